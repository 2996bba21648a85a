// Reads of `objects`. Only live objects (deleted_at IS NULL) are ever returned: a tombstone is
// history, not truth (ADR 0001, 0004). No statement names the tenant: row-level security scopes
// every one of them to the request's tenant.
import type { Queryable } from '../tenant-transaction.ts';

export interface ObjectRecord {
  readonly id: string;
  readonly objectTypeId: string;
  readonly externalId: string;
  readonly properties: Record<string, unknown>;
  readonly version: number;
  readonly sourceVersion: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface ObjectRow {
  id: string;
  object_type_id: string;
  external_id: string;
  properties: Record<string, unknown>;
  version: string;
  source_version: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The columns every object read selects, for mapObjectRow. */
export const OBJECT_COLUMNS = 'o.id, o.object_type_id, o.external_id, o.properties, o.version, o.source_version, o.created_at, o.updated_at';

export function mapObjectRow(row: ObjectRow): ObjectRecord {
  return {
    id: row.id,
    objectTypeId: row.object_type_id,
    externalId: row.external_id,
    properties: row.properties,
    version: Number(row.version),
    sourceVersion: row.source_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Live objects by id, in no particular order (callers map them back). */
export async function objectsByIds(db: Queryable, ids: readonly string[]): Promise<ObjectRecord[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<ObjectRow>(
    `SELECT ${OBJECT_COLUMNS} FROM objects o WHERE o.id = ANY($1::uuid[]) AND o.deleted_at IS NULL`,
    [[...new Set(ids)]],
  );
  return rows.map(mapObjectRow);
}

/** The live object of a type with an external id (objects_external_id_key). */
export async function objectByExternalId(db: Queryable, objectTypeId: string, externalId: string): Promise<ObjectRecord | undefined> {
  const { rows } = await db.query<ObjectRow>(
    `SELECT ${OBJECT_COLUMNS} FROM objects o WHERE o.object_type_id = $1 AND o.external_id = $2 AND o.deleted_at IS NULL`,
    [objectTypeId, externalId],
  );
  return rows[0] === undefined ? undefined : mapObjectRow(rows[0]);
}

export interface ObjectPageQuery {
  readonly objectTypeId: string;
  /** SQL condition on `o` (a compiled ObjectFilter), with its parameters in `values`. */
  readonly filter: string;
  /** SQL condition "after the cursor", or TRUE. */
  readonly after: string;
  readonly orderBy: string;
  /** `ARRAY[...]::text[]` of the sort keys' cursor texts; undefined when no cursor will be made. */
  readonly cursorValues: string | undefined;
  readonly limit: number;
  /** The parameters the parts above refer to; objectTypeId and limit are appended. */
  readonly values: unknown[];
}

export async function objectPage(db: Queryable, query: ObjectPageQuery): Promise<{ record: ObjectRecord; cursorValues: (string | null)[] | undefined }[]> {
  const values = [...query.values];
  const typeParam = `$${values.push(query.objectTypeId)}`;
  const limitParam = `$${values.push(query.limit)}`;
  const { rows } = await db.query<ObjectRow & { cursor_values?: (string | null)[] }>(
    `SELECT ${OBJECT_COLUMNS}${query.cursorValues === undefined ? '' : `, ${query.cursorValues} AS cursor_values`}
     FROM objects o
     WHERE o.object_type_id = ${typeParam}::uuid AND o.deleted_at IS NULL
       AND ${query.filter}
       AND ${query.after}
     ORDER BY ${query.orderBy}
     LIMIT ${limitParam}`,
    values,
  );
  return rows.map((row) => ({ record: mapObjectRow(row), cursorValues: row.cursor_values }));
}
