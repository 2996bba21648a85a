// `Query.similarObjects`: k nearest live objects by cosine distance (pgvector `<=>`, the HNSW
// index objects_embedding_hnsw_idx). The index is shared by all tenants and row-level security
// filters its candidates afterwards (ADR 0001): the scan yields `hnsw.ef_search` candidates
// (default 40) before the tenant, type and filter conditions drop rows, so a small tenant next
// to large ones could get fewer than k. ef_search is therefore raised for the transaction, to at
// least k * 4 as the ADR asks and with headroom for the other post-filters. When the index still
// yields fewer than k (pgvector 0.6 has no iterative scan to continue it), the answer comes from an
// exact scan of what row-level security and the filters let through instead: crowding by another
// tenant's vectors then costs time, never results.
import { badInput, notFound } from '../errors.ts';
import { boundedInt, MAX_SIMILAR } from '../size-arguments.ts';
import type { RequestScope } from '../request-scope.ts';
import { mapObjectRow, OBJECT_COLUMNS, type ObjectRecord, type ObjectRow } from '../sql/objects.ts';
import { SqlParams } from '../sql/sql-params.ts';
import { compileObjectFilter, type ObjectFilterInput } from './object-filter.ts';
import { resolveObjectRef, type ObjectRefInput } from './references.ts';

/** migrations/0003: `embedding vector(384)`. */
export const EMBEDDING_DIMENSION = 384;
// pgvector's upper bound for hnsw.ef_search.
const MAX_EF_SEARCH = 1000;

export interface SimilarObjectsArgs {
  readonly to?: ObjectRefInput | null;
  readonly vector?: readonly number[] | null;
  readonly type?: string | null;
  readonly where?: ObjectFilterInput | null;
  readonly k?: number | null;
}

export interface SimilarObject {
  readonly object: ObjectRecord;
  readonly distance: number;
}

export function efSearchFor(k: number): number {
  return Math.min(MAX_EF_SEARCH, Math.max(100, k * 8));
}

export async function similarObjects(scope: RequestScope, args: SimilarObjectsArgs): Promise<SimilarObject[]> {
  const k = boundedInt('k', args.k, 10, 1, MAX_SIMILAR);
  const hasTo = args.to !== undefined && args.to !== null;
  const hasVector = args.vector !== undefined && args.vector !== null;
  if (hasTo === hasVector) throw badInput('give exactly one of to and vector');
  if (args.where && (args.type === undefined || args.type === null)) throw badInput('where needs type: filters are checked against a type');

  const params = new SqlParams();
  const conditions = ['o.embedding IS NOT NULL', 'o.deleted_at IS NULL'];
  if (args.type !== undefined && args.type !== null) {
    const type = (await scope.catalog()).objectTypeByName(args.type);
    if (type === undefined) throw notFound(`no object type named ${JSON.stringify(args.type)}`);
    conditions.push(`o.object_type_id = ${params.add(type.id)}::uuid`);
    conditions.push(compileObjectFilter(args.where, { type, params, canReadSensitive: scope.canReadSensitive }));
  }

  let vector: string;
  if (hasVector) {
    vector = vectorLiteral(args.vector!);
  } else {
    const reference = await resolveObjectRef(scope, args.to!);
    const { rows } = await scope.db.query<{ embedding: string | null }>('SELECT o.embedding::text AS embedding FROM objects o WHERE o.id = $1', [reference.id]);
    if (rows[0]?.embedding === null || rows[0]?.embedding === undefined) throw badInput(`${args.to!.type} ${JSON.stringify(args.to!.id)} has no embedding`);
    vector = rows[0].embedding;
    conditions.push(`o.id <> ${params.add(reference.id)}::uuid`);
  }

  await scope.db.query("SELECT set_config('hnsw.ef_search', $1, true)", [String(efSearchFor(k))]);
  const vectorParam = params.add(vector);
  const kParam = params.add(k);
  const nearest = (order: string) =>
    scope.db.query<ObjectRow & { distance: number }>(
      `SELECT ${OBJECT_COLUMNS}, o.embedding <=> ${vectorParam}::vector AS distance
       FROM objects o
       WHERE ${conditions.join(' AND ')}
       ORDER BY ${order}
       LIMIT ${kParam}`,
      params.values,
    );
  let { rows } = await nearest(`o.embedding <=> ${vectorParam}::vector`);
  // `+ 0` is an order the HNSW index cannot serve: the planner filters first (tenant, type) and
  // sorts what remains by the exact distance.
  if (rows.length < k) ({ rows } = await nearest(`(o.embedding <=> ${vectorParam}::vector) + 0, o.id`));
  return rows.map((row) => ({ object: mapObjectRow(row), distance: Number(row.distance) }));
}

function vectorLiteral(vector: readonly number[]): string {
  if (vector.length !== EMBEDDING_DIMENSION) throw badInput(`vector must have ${EMBEDDING_DIMENSION} numbers (the embedding dimension), got ${vector.length}`);
  if (!vector.every(Number.isFinite)) throw badInput('vector must hold finite numbers');
  // Cosine distance to a zero vector is undefined (NaN), which would order arbitrarily.
  if (vector.every((x) => x === 0)) throw badInput('vector must not be all zeros');
  // pgvector's text format is the JSON array notation.
  return JSON.stringify(vector);
}
