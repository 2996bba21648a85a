// Loads a tenant's object and link types with their property definitions (one round trip).
import type { ClientBase } from 'pg';
import type { PropertyDataType, PropertyDefinition } from '../property-validation.ts';
import type { Cardinality } from '../../../contracts/generated/type-def-change.ts';
import type { LinkTypeEntry, ObjectTypeEntry, TypeCatalog } from '../type-catalog.ts';

interface Row {
  kind: 'object' | 'link';
  id: string;
  name: string;
  from_type_id: string | null;
  to_type_id: string | null;
  from_type: string | null;
  to_type: string | null;
  cardinality: Cardinality | null;
  properties: { name: string; dataType: string; required: boolean }[];
}

export async function loadTypeCatalog(tx: ClientBase, tenantId: string): Promise<TypeCatalog> {
  const { rows } = await tx.query<Row>(
    `SELECT 'object' AS kind, t.id, t.name, NULL AS from_type_id, NULL AS to_type_id, NULL AS from_type, NULL AS to_type, NULL AS cardinality,
            COALESCE((SELECT jsonb_agg(jsonb_build_object('name', p.name, 'dataType', p.data_type, 'required', p.required))
                      FROM object_properties p WHERE p.tenant_id = t.tenant_id AND p.object_type_id = t.id), '[]'::jsonb) AS properties
     FROM object_types t WHERE t.tenant_id = $1
     UNION ALL
     SELECT 'link', l.id, l.name, l.from_object_type_id, l.to_object_type_id, f.name, o.name, l.cardinality, l.property_defs
     FROM link_types l
     JOIN object_types f ON f.tenant_id = l.tenant_id AND f.id = l.from_object_type_id
     JOIN object_types o ON o.tenant_id = l.tenant_id AND o.id = l.to_object_type_id
     WHERE l.tenant_id = $1`,
    [tenantId],
  );
  const objectTypes = new Map<string, ObjectTypeEntry>();
  const linkTypes = new Map<string, LinkTypeEntry>();
  const definitions = (properties: Row['properties']): PropertyDefinition[] =>
    properties.map((p) => ({ name: p.name, dataType: p.dataType.toUpperCase() as PropertyDataType, required: p.required }));
  for (const row of rows) {
    if (row.kind === 'object') {
      objectTypes.set(row.name, { id: row.id, name: row.name, properties: definitions(row.properties) });
    } else {
      linkTypes.set(row.name, {
        id: row.id,
        name: row.name,
        cardinality: row.cardinality!,
        fromTypeId: row.from_type_id!,
        toTypeId: row.to_type_id!,
        fromType: row.from_type!,
        toType: row.to_type!,
        properties: definitions(row.properties),
      });
    }
  }
  return { objectTypes, linkTypes };
}
