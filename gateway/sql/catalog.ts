// The tenant's ontology (object types with their property definitions, link types) read in one
// statement per request and kept for the request (gateway/request-scope.ts): every resolver that
// needs a type — filters, redaction, `objectType`, link type names — asks this instead of the
// database, so a page of N objects costs one catalog read, not N.
import { CATALOG_FINGERPRINT_EXPRESSION } from '../../runtime/catalog-fingerprint.ts';
import type { Queryable } from '../tenant-transaction.ts';

/** The data types of migration 0007 (lower case, as stored). */
export type PropertyDataType =
  | 'string'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'date'
  | 'timestamp'
  | 'uuid'
  | 'json'
  | 'string_array'
  | 'integer_array'
  | 'number_array';

export interface PropertyDefinition {
  readonly name: string;
  readonly dataType: PropertyDataType;
  readonly required: boolean;
  readonly indexed: boolean;
  readonly sensitive: boolean;
  readonly description: string;
}

export interface ObjectTypeRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly properties: readonly PropertyDefinition[];
  readonly propertyByName: ReadonlyMap<string, PropertyDefinition>;
  readonly sensitiveNames: readonly string[];
}

export interface LinkTypeRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly fromTypeId: string;
  readonly toTypeId: string;
  readonly fromType: string;
  readonly toType: string;
  readonly cardinality: string;
  readonly version: number;
  readonly properties: readonly PropertyDefinition[];
  readonly sensitiveNames: readonly string[];
}

export interface Catalog {
  readonly objectTypes: readonly ObjectTypeRecord[];
  readonly linkTypes: readonly LinkTypeRecord[];
  objectTypeByName(name: string): ObjectTypeRecord | undefined;
  objectTypeById(id: string): ObjectTypeRecord | undefined;
  linkTypeByName(name: string): LinkTypeRecord | undefined;
  linkTypeById(id: string): LinkTypeRecord | undefined;
}

interface CatalogRow {
  kind: 'object' | 'link';
  id: string;
  name: string;
  description: string;
  version: string;
  created_at: Date;
  updated_at: Date;
  properties: RawPropertyDefinition[];
  from_type_id: string | null;
  to_type_id: string | null;
  cardinality: string | null;
}

interface RawPropertyDefinition {
  name: string;
  dataType: string;
  required?: boolean;
  indexed?: boolean;
  sensitive?: boolean;
  description?: string | null;
}

// Both kinds in one statement (one round trip); link property definitions are jsonb on the row
// (migration 0007), object ones a table (migration 0002).
const CATALOG_SQL = `
  SELECT 'object' AS kind, t.id, t.name, t.description, t.version, t.created_at, t.updated_at,
         coalesce((SELECT jsonb_agg(jsonb_build_object('name', p.name, 'dataType', p.data_type, 'required', p.required,
                                                      'indexed', p.indexed, 'sensitive', p.sensitive, 'description', p.description)
                                    ORDER BY p.name)
                   FROM object_properties p
                   WHERE p.tenant_id = t.tenant_id AND p.object_type_id = t.id), '[]'::jsonb) AS properties,
         NULL::uuid AS from_type_id, NULL::uuid AS to_type_id, NULL::text AS cardinality
  FROM object_types t
  UNION ALL
  SELECT 'link', l.id, l.name, l.description, l.version, l.created_at, l.updated_at, l.property_defs,
         l.from_object_type_id, l.to_object_type_id, l.cardinality
  FROM link_types l
  ORDER BY 1, 3`;

/**
 * The fingerprint of the catalog CATALOG_SQL reads (runtime/catalog-fingerprint.ts), as the
 * statement a request's BEGIN round trip carries: read in the request's own snapshot, so a type
 * or sensitivity change is seen by the next request.
 */
export const CATALOG_FINGERPRINT_QUERY = `SELECT ${CATALOG_FINGERPRINT_EXPRESSION} AS catalog_fingerprint`;

/**
 * Catalogs by tenant and fingerprint, most recently used kept. A tenant's entry is only ever
 * served to a request of that tenant whose own snapshot has the same fingerprint.
 */
export class CatalogCache {
  readonly #entries = new Map<string, Catalog>();
  readonly #capacity: number;

  constructor(capacity = 1000) {
    this.#capacity = capacity;
  }

  get(tenantId: string, fingerprint: string): Catalog | undefined {
    const key = `${tenantId}:${fingerprint}`;
    const catalog = this.#entries.get(key);
    if (catalog !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, catalog);
    }
    return catalog;
  }

  set(tenantId: string, fingerprint: string, catalog: Catalog): void {
    // One entry per tenant: an older fingerprint of the same tenant will not come back.
    for (const key of this.#entries.keys()) if (key.startsWith(`${tenantId}:`)) this.#entries.delete(key);
    this.#entries.set(`${tenantId}:${fingerprint}`, catalog);
    while (this.#entries.size > this.#capacity) this.#entries.delete(this.#entries.keys().next().value!);
  }

  get size(): number {
    return this.#entries.size;
  }
}

export async function loadCatalog(db: Queryable): Promise<Catalog> {
  const { rows } = await db.query<CatalogRow>(CATALOG_SQL);
  const objectTypes = rows.filter((row) => row.kind === 'object').map(objectTypeOf);
  const byId = new Map(objectTypes.map((type) => [type.id, type]));
  const byName = new Map(objectTypes.map((type) => [type.name, type]));
  const linkTypes = rows
    .filter((row) => row.kind === 'link')
    .map((row) => linkTypeOf(row, byId.get(row.from_type_id!)?.name ?? '', byId.get(row.to_type_id!)?.name ?? ''));
  const linksById = new Map(linkTypes.map((type) => [type.id, type]));
  const linksByName = new Map(linkTypes.map((type) => [type.name, type]));
  return {
    objectTypes,
    linkTypes,
    objectTypeByName: (name) => byName.get(name),
    objectTypeById: (id) => byId.get(id),
    linkTypeByName: (name) => linksByName.get(name),
    linkTypeById: (id) => linksById.get(id),
  };
}

function objectTypeOf(row: CatalogRow): ObjectTypeRecord {
  const properties = row.properties.map(propertyOf);
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    version: Number(row.version),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    properties,
    propertyByName: new Map(properties.map((p) => [p.name, p])),
    sensitiveNames: properties.filter((p) => p.sensitive).map((p) => p.name),
  };
}

function linkTypeOf(row: CatalogRow, fromType: string, toType: string): LinkTypeRecord {
  const properties = row.properties.map(propertyOf).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    fromTypeId: row.from_type_id!,
    toTypeId: row.to_type_id!,
    fromType,
    toType,
    cardinality: row.cardinality!,
    version: Number(row.version),
    properties,
    sensitiveNames: properties.filter((p) => p.sensitive).map((p) => p.name),
  };
}

function propertyOf(raw: RawPropertyDefinition): PropertyDefinition {
  return {
    name: raw.name,
    dataType: raw.dataType.toLowerCase() as PropertyDataType,
    required: raw.required === true,
    indexed: raw.indexed === true,
    sensitive: raw.sensitive === true,
    description: raw.description ?? '',
  };
}
