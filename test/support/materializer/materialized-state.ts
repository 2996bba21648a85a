// Reads what the materializer wrote to Postgres in the shape of the reference fold
// (reference-fold.ts), and compares the two, so the exactly-once tests can say which rows
// differ and how instead of "not equal".

import pg from 'pg';
import { kafkaKey, linkEntityId, objectEntityId } from '../../../processors/materializer/entity-keys.ts';
import type { FoldedLink, FoldedObject } from './reference-fold.ts';
import { embeddingEquals } from './workload.ts';

export interface MaterializedState {
  /** Keyed like FoldResult.objects: kafkaKey(tenantId, objectEntityId(objectType, objectId)). */
  objects: Map<string, FoldedObject>;
  /** Keyed like FoldResult.links; rows of `links` (pending false) and `pending_links` (pending true). */
  links: Map<string, FoldedLink>;
}

// Versions are bigint: read as text and converted, rather than trusting a driver-wide parser.
const SELECT_OBJECTS = `
  SELECT o.tenant_id::text AS tenant_id, ot.name AS object_type, o.external_id AS object_id, o.properties,
         o.embedding::text AS embedding, o.version::text AS version, o.source_version::text AS source_version,
         o.deleted_at IS NOT NULL AS deleted
    FROM objects o
    JOIN object_types ot ON ot.tenant_id = o.tenant_id AND ot.id = o.object_type_id
   WHERE o.tenant_id = ANY($1::uuid[])
   ORDER BY o.tenant_id, ot.name, o.external_id`;

const SELECT_LINKS = `
  SELECT l.tenant_id::text AS tenant_id, lt.name AS link_type,
         fot.name AS from_type, fo.external_id AS from_id, tot.name AS to_type, tob.external_id AS to_id,
         l.properties, l.version::text AS version, l.source_version::text AS source_version,
         l.deleted_at IS NOT NULL AS deleted
    FROM links l
    JOIN link_types lt ON lt.tenant_id = l.tenant_id AND lt.id = l.link_type_id
    JOIN object_types fot ON fot.tenant_id = l.tenant_id AND fot.id = l.from_object_type_id
    JOIN objects fo ON fo.tenant_id = l.tenant_id AND fo.id = l.from_object_id
    JOIN object_types tot ON tot.tenant_id = l.tenant_id AND tot.id = l.to_object_type_id
    JOIN objects tob ON tob.tenant_id = l.tenant_id AND tob.id = l.to_object_id
   WHERE l.tenant_id = ANY($1::uuid[])
   ORDER BY l.tenant_id, lt.name, fo.external_id, tob.external_id`;

const SELECT_PENDING_LINKS = `
  SELECT p.tenant_id::text AS tenant_id, lt.name AS link_type,
         fot.name AS from_type, p.from_external_id AS from_id, tot.name AS to_type, p.to_external_id AS to_id,
         p.properties, p.version::text AS version, p.source_version::text AS source_version,
         p.deleted_at IS NOT NULL AS deleted
    FROM pending_links p
    JOIN link_types lt ON lt.tenant_id = p.tenant_id AND lt.id = p.link_type_id
    JOIN object_types fot ON fot.tenant_id = p.tenant_id AND fot.id = p.from_object_type_id
    JOIN object_types tot ON tot.tenant_id = p.tenant_id AND tot.id = p.to_object_type_id
   WHERE p.tenant_id = ANY($1::uuid[])
   ORDER BY p.tenant_id, lt.name, p.from_external_id, p.to_external_id`;

interface ObjectRow {
  tenant_id: string;
  object_type: string;
  object_id: string;
  properties: Record<string, unknown>;
  embedding: string | null;
  version: string;
  source_version: string | null;
  deleted: boolean;
}

interface LinkRow {
  tenant_id: string;
  link_type: string;
  from_type: string;
  from_id: string;
  to_type: string;
  to_id: string;
  properties: Record<string, unknown>;
  version: string;
  source_version: string | null;
  deleted: boolean;
}

/**
 * Reads the objects, links and pending links of `tenantIds` from `database` on the cluster of
 * `adminUrl` (a superuser URL: it sees every tenant despite row-level security). Tenant ids
 * come back as Postgres prints uuids, in lower case. Throws if a link is both in `links` and in
 * `pending_links`, which the processor must never allow.
 */
export async function readMaterializedState(adminUrl: string, database: string, tenantIds: string[]): Promise<MaterializedState> {
  const url = new URL(adminUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    // One snapshot for the three reads, so a running processor cannot move a link between them.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const objects = await client.query<ObjectRow>(SELECT_OBJECTS, [tenantIds]);
    const links = await client.query<LinkRow>(SELECT_LINKS, [tenantIds]);
    const pendingLinks = await client.query<LinkRow>(SELECT_PENDING_LINKS, [tenantIds]);
    await client.query('COMMIT');

    const state: MaterializedState = { objects: new Map(), links: new Map() };
    for (const row of objects.rows) {
      state.objects.set(kafkaKey(row.tenant_id, objectEntityId(row.object_type, row.object_id)), {
        tenantId: row.tenant_id,
        objectType: row.object_type,
        objectId: row.object_id,
        properties: row.properties,
        embedding: row.embedding === null ? null : parseVector(row.embedding),
        version: Number(row.version),
        sourceVersion: row.source_version === null ? null : Number(row.source_version),
        deleted: row.deleted,
      });
    }
    for (const [rows, pending] of [
      [links.rows, false],
      [pendingLinks.rows, true],
    ] as const) {
      for (const row of rows) {
        const key = kafkaKey(row.tenant_id, linkEntityId(row.link_type, row.from_type, row.from_id, row.to_type, row.to_id));
        if (state.links.has(key)) throw new Error(`link ${key} is both in links and in pending_links`);
        state.links.set(key, {
          tenantId: row.tenant_id,
          linkType: row.link_type,
          fromType: row.from_type,
          fromId: row.from_id,
          toType: row.to_type,
          toId: row.to_id,
          properties: row.properties,
          version: Number(row.version),
          sourceVersion: row.source_version === null ? null : Number(row.source_version),
          deleted: row.deleted,
          pending,
        });
      }
    }
    return state;
  } finally {
    await client.end();
  }
}

/** pgvector's text form, `[1,-0.5,3e-05]`, as float32 values. */
export function parseVector(text: string): number[] {
  const inner = text.trim().slice(1, -1);
  if (inner === '') return [];
  return inner.split(',').map((component) => Math.fround(Number(component)));
}

export interface ComparableState {
  objects: ReadonlyMap<string, FoldedObject>;
  links: ReadonlyMap<string, FoldedLink>;
}

/**
 * Every difference between `expected` (usually a FoldResult) and `actual` (usually
 * readMaterializedState's): entities missing or unexpected, and each field that differs, with
 * both values. Empty when the states are equal; property objects compare regardless of key
 * order (jsonb keeps its own), embeddings as float32.
 */
export function compareStates(expected: ComparableState, actual: ComparableState): string[] {
  const differences: string[] = [];
  compareMaps('object', expected.objects, actual.objects, differences, (key, want, got) => {
    compareScalars(`object ${key}`, want, got, ['tenantId', 'objectType', 'objectId', 'version', 'sourceVersion', 'deleted'], differences);
    if (!jsonEquals(want.properties, got.properties)) {
      differences.push(`object ${key}: properties expected ${brief(want.properties)}, got ${brief(got.properties)}`);
    }
    if (!embeddingEquals(want.embedding, got.embedding)) {
      differences.push(`object ${key}: embedding ${embeddingDifference(want.embedding, got.embedding)}`);
    }
  });
  compareMaps('link', expected.links, actual.links, differences, (key, want, got) => {
    compareScalars(
      `link ${key}`,
      want,
      got,
      ['tenantId', 'linkType', 'fromType', 'fromId', 'toType', 'toId', 'version', 'sourceVersion', 'deleted', 'pending'],
      differences,
    );
    if (!jsonEquals(want.properties, got.properties)) {
      differences.push(`link ${key}: properties expected ${brief(want.properties)}, got ${brief(got.properties)}`);
    }
  });
  return differences;
}

function compareMaps<T>(
  noun: string,
  expected: ReadonlyMap<string, T>,
  actual: ReadonlyMap<string, T>,
  differences: string[],
  compareEntries: (key: string, want: T, got: T) => void,
): void {
  for (const [key, want] of expected) {
    const got = actual.get(key);
    if (got === undefined) differences.push(`${noun} ${key}: missing (expected ${brief(want)})`);
    else compareEntries(key, want, got);
  }
  for (const [key, got] of actual) {
    if (!expected.has(key)) differences.push(`${noun} ${key}: unexpected (${brief(got)})`);
  }
}

function compareScalars<T extends object>(label: string, want: T, got: T, fields: readonly (keyof T & string)[], differences: string[]): void {
  for (const field of fields) {
    if (want[field] !== got[field]) {
      differences.push(`${label}: ${field} expected ${JSON.stringify(want[field])}, got ${JSON.stringify(got[field])}`);
    }
  }
}

function embeddingDifference(want: readonly number[] | null, got: readonly number[] | null): string {
  if (want === null || got === null) return `expected ${describeEmbedding(want)}, got ${describeEmbedding(got)}`;
  if (want.length !== got.length) return `expected ${want.length} dimensions, got ${got.length}`;
  const index = want.findIndex((component, i) => Math.fround(component) !== Math.fround(got[i]!));
  return `component ${index} expected ${Math.fround(want[index]!)}, got ${Math.fround(got[index]!)}`;
}

function describeEmbedding(embedding: readonly number[] | null): string {
  return embedding === null ? 'null' : `${embedding.length} dimensions`;
}

// Equality of JSON values as jsonb sees them: object keys in any order, arrays in order.
function jsonEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => jsonEquals(item, b[i]));
  }
  const aKeys = Object.keys(a);
  if (aKeys.length !== Object.keys(b).length) return false;
  return aKeys.every((key) => Object.hasOwn(b, key) && jsonEquals((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

// Enough of a value to recognise it in a failure message; embeddings are summarised.
function brief(value: unknown): string {
  const text = JSON.stringify(value, (key, item: unknown) =>
    key === 'embedding' && Array.isArray(item) ? `<${item.length} dimensions>` : item,
  );
  return text.length <= 300 ? text : `${text.slice(0, 297)}...`;
}
