// The part of the ontology a proposal's simulation reads: the types, the objects it names (its
// targets and any object its effects address through parameters) and their live links.
import type { ClientBase } from 'pg';
import type { Cardinality } from '../../../contracts/generated/type-def-change.ts';
import type { PropertyDataType } from '../../materializer/property-validation.ts';
import type { ObjectRef } from '../proposal.ts';
import { linkKey } from '../simulate.ts';

export interface PropertyDefinitionWithSensitivity {
  readonly name: string;
  readonly dataType: PropertyDataType;
  readonly required: boolean;
  readonly sensitive: boolean;
}

export interface World {
  readonly objects: Map<string, { version: number; properties: Record<string, unknown>; deleted: boolean }>;
  readonly types: Map<string, { properties: PropertyDefinitionWithSensitivity[] }>;
  readonly linkTypes: Map<string, { fromType: string; toType: string; cardinality: Cardinality; properties: PropertyDefinitionWithSensitivity[] }>;
  readonly links: Set<string>;
}

export const worldObjectKey = (objectType: string, objectId: string): string => `${objectType}/${objectId}`;

/** Every {objectType, objectId} in the effects, with `$params.x` resolved from the parameters. */
export function referencedObjects(effects: unknown, parameters: Record<string, unknown>): ObjectRef[] {
  const found: ObjectRef[] = [];
  const resolve = (value: unknown): unknown => {
    const match = typeof value === 'string' ? /^\$params\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(value) : null;
    return match ? parameters[match[1]!] : value;
  };
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    const objectId = resolve(record.objectId);
    if (typeof record.objectType === 'string' && typeof objectId === 'string') found.push({ objectType: record.objectType, objectId });
    for (const value of Object.values(record)) walk(value);
  };
  walk(effects);
  return found;
}

export async function loadWorld(tx: ClientBase, tenantId: string, refs: readonly ObjectRef[]): Promise<World> {
  const world: World = { objects: new Map(), types: new Map(), linkTypes: new Map(), links: new Set() };
  const types = await tx.query<{ name: string; properties: PropertyDefinitionWithSensitivity[] }>(
    `SELECT t.name, COALESCE(jsonb_agg(jsonb_build_object('name', p.name, 'dataType', upper(p.data_type), 'required', p.required, 'sensitive', p.sensitive))
              FILTER (WHERE p.name IS NOT NULL), '[]'::jsonb) AS properties
     FROM object_types t LEFT JOIN object_properties p ON p.tenant_id = t.tenant_id AND p.object_type_id = t.id
     WHERE t.tenant_id = $1 GROUP BY t.name`,
    [tenantId],
  );
  for (const row of types.rows) world.types.set(row.name, { properties: row.properties });
  const linkTypes = await tx.query<{ name: string; from_type: string; to_type: string; cardinality: Cardinality; property_defs: { name: string; dataType: string; required: boolean; sensitive: boolean }[] }>(
    `SELECT l.name, f.name AS from_type, o.name AS to_type, l.cardinality, l.property_defs FROM link_types l
     JOIN object_types f ON f.tenant_id = l.tenant_id AND f.id = l.from_object_type_id
     JOIN object_types o ON o.tenant_id = l.tenant_id AND o.id = l.to_object_type_id
     WHERE l.tenant_id = $1`,
    [tenantId],
  );
  for (const row of linkTypes.rows) {
    world.linkTypes.set(row.name, {
      fromType: row.from_type,
      toType: row.to_type,
      cardinality: row.cardinality,
      properties: row.property_defs.map((p) => ({ name: p.name, dataType: p.dataType.toUpperCase() as PropertyDataType, required: p.required, sensitive: p.sensitive })),
    });
  }
  if (refs.length === 0) return world;
  const objects = await tx.query<{ id: string; object_type: string; external_id: string; version: string; properties: Record<string, unknown>; deleted: boolean }>(
    `SELECT o.id, t.name AS object_type, o.external_id, o.version, o.properties, o.deleted_at IS NOT NULL AS deleted
     FROM unnest($2::text[], $3::text[]) AS r(object_type, external_id)
     JOIN object_types t ON t.tenant_id = $1 AND t.name = r.object_type
     JOIN objects o ON o.tenant_id = $1 AND o.object_type_id = t.id AND o.external_id = r.external_id`,
    [tenantId, refs.map((r) => r.objectType), refs.map((r) => r.objectId)],
  );
  for (const row of objects.rows) {
    world.objects.set(worldObjectKey(row.object_type, row.external_id), { version: Number(row.version), properties: row.properties, deleted: row.deleted });
  }
  const ids = objects.rows.map((row) => row.id);
  if (ids.length > 0) {
    const links = await tx.query<{ link_type: string; from_type: string; from_id: string; to_type: string; to_id: string }>(
      `SELECT lt.name AS link_type, ft.name AS from_type, f.external_id AS from_id, tt.name AS to_type, t.external_id AS to_id
       FROM links l
       JOIN link_types lt ON lt.tenant_id = l.tenant_id AND lt.id = l.link_type_id
       JOIN objects f ON f.tenant_id = l.tenant_id AND f.id = l.from_object_id
       JOIN objects t ON t.tenant_id = l.tenant_id AND t.id = l.to_object_id
       JOIN object_types ft ON ft.tenant_id = l.tenant_id AND ft.id = f.object_type_id
       JOIN object_types tt ON tt.tenant_id = l.tenant_id AND tt.id = t.object_type_id
       WHERE l.tenant_id = $1 AND l.deleted_at IS NULL AND (l.from_object_id = ANY($2::uuid[]) OR l.to_object_id = ANY($2::uuid[]))`,
      [tenantId, ids],
    );
    for (const row of links.rows) world.links.add(linkKey(row.link_type, { objectType: row.from_type, objectId: row.from_id }, { objectType: row.to_type, objectId: row.to_id }));
  }
  return world;
}

/**
 * The current state of the simulated objects, locked until the transaction ends so nothing moves
 * them between this check and the edits. Objects without a row are absent from the map.
 */
export async function lockCurrentVersions(tx: ClientBase, tenantId: string, affected: readonly ObjectRef[]): Promise<Map<string, { version: number; deleted: boolean }>> {
  const versions = new Map<string, { version: number; deleted: boolean }>();
  if (affected.length === 0) return versions;
  const { rows } = await tx.query<{ object_type: string; external_id: string; version: string; deleted: boolean }>(
    `SELECT t.name AS object_type, o.external_id, o.version, o.deleted_at IS NOT NULL AS deleted
     FROM unnest($2::text[], $3::text[]) AS r(object_type, external_id)
     JOIN object_types t ON t.tenant_id = $1 AND t.name = r.object_type
     JOIN objects o ON o.tenant_id = $1 AND o.object_type_id = t.id AND o.external_id = r.external_id
     ORDER BY t.name, o.external_id
     FOR UPDATE OF o`,
    [tenantId, affected.map((a) => a.objectType), affected.map((a) => a.objectId)],
  );
  for (const row of rows) versions.set(worldObjectKey(row.object_type, row.external_id), { version: Number(row.version), deleted: row.deleted });
  return versions;
}
