import { randomUUID } from 'node:crypto';
import type { ClientBase } from 'pg';
import t from 'tap';
import { connect, createTestDatabase, withTenant } from '../support/database.ts';
import { mulberry32 } from '../../runtime/seeded-random.ts';

// objects.embedding is vector(384) (migrations/0003_objects-and-links.sql).
const DIMENSIONS = 384;
const CLUSTERS = 6;
const MEMBERS_PER_CLUSTER = 50;
const K = 10;

function normalize(vector: number[]): number[] {
  const norm = Math.hypot(...vector);
  return vector.map((x) => x / norm);
}

function randomUnit(random: () => number): number[] {
  return normalize(Array.from({ length: DIMENSIONS }, () => random() * 2 - 1));
}

// A random unit vector orthogonal to `center`, so that center + s * noise lies at cosine
// distance exactly 1 - 1 / sqrt(1 + s^2) from the center: a member's rank within its
// cluster is fixed by its spread s, with no ties.
function orthogonalUnit(random: () => number, center: number[]): number[] {
  const v = randomUnit(random);
  const dot = v.reduce((sum, x, i) => sum + x * (center[i] ?? 0), 0);
  return normalize(v.map((x, i) => x - dot * (center[i] ?? 0)));
}

function around(random: () => number, center: number[], spread: number): number[] {
  const noise = orthogonalUnit(random, center);
  return normalize(center.map((x, i) => x + spread * (noise[i] ?? 0)));
}

// pgvector's text format is the JSON array notation.
const literal = (vector: number[]): string => JSON.stringify(vector);

const random = mulberry32(20240601);
const centers = Array.from({ length: CLUSTERS }, () => randomUnit(random));
const tenantObjects: { externalId: string; embedding: number[] }[] = [];
centers.forEach((center, cluster) => {
  for (let member = 0; member < MEMBERS_PER_CLUSTER; member += 1) {
    // Spreads 0.02 .. 1.0: every member is far nearer its own center than any other.
    tenantObjects.push({ externalId: `c${cluster}-m${member}`, embedding: around(random, center, 0.02 * (member + 1)) });
  }
});
const queryCluster = 3;
const query = centers[queryCluster] ?? [];
// Another tenant's objects, all nearer the query than any of the first tenant's.
const decoys = Array.from({ length: 20 }, (_, i) => ({
  externalId: `decoy-${i}`,
  embedding: around(random, query, 0.0005 * (i + 1)),
}));

const db = await createTestDatabase(t);
const processor = await connect(t, db.processor);
const gateway = await connect(t, db.gateway);
const admin = await connect(t, db.admin);

async function seed(tenantId: string, objects: { externalId: string; embedding: number[] }[]): Promise<void> {
  await withTenant(processor, tenantId, async (client) => {
    await client.query('INSERT INTO tenants (tenant_id, name) VALUES ($1, $2)', [tenantId, `knn ${tenantId}`]);
    const { rows } = await client.query<{ id: string }>(
      "INSERT INTO object_types (tenant_id, name) VALUES ($1, 'Document') RETURNING id",
      [tenantId],
    );
    // One statement for the whole batch, the way the processors write (ARCHITECTURE §4).
    await client.query(
      `INSERT INTO objects (tenant_id, object_type_id, external_id, embedding)
       SELECT $1, $2, batch.external_id, batch.embedding::vector
         FROM unnest($3::text[], $4::text[]) AS batch (external_id, embedding)`,
      [tenantId, rows[0]?.id, objects.map((o) => o.externalId), objects.map((o) => literal(o.embedding))],
    );
  });
}

const tenantA = randomUUID();
const tenantB = randomUUID();
await seed(tenantA, tenantObjects);
await seed(tenantB, decoys);
// Fresh statistics, as autovacuum would eventually provide. No `enable_seqscan = off` is
// needed: at 320 rows of 1.5 kB the planner already costs the HNSW scan well below a sort of
// the whole table (about 63 against 95 with default settings), so the plan asserted below is
// the one production gets.
await admin.query('ANALYZE objects');

const KNN = `SELECT external_id, embedding <=> $1::vector AS distance
               FROM objects
              WHERE deleted_at IS NULL
              ORDER BY embedding <=> $1::vector
              LIMIT $2`;

// The gateway's similarity read: k nearest neighbours within the current tenant.
function nearest(client: ClientBase, tenantId: string, explain = false) {
  return withTenant(client, tenantId, async (client) => {
    // ef_search (default 40) is how many candidates the HNSW scan returns before the RLS
    // filter drops other tenants' rows; the decoys take 20 of them, and the assertion below
    // is against the exact neighbours, so give the approximate search headroom.
    await client.query('SET LOCAL hnsw.ef_search = 100');
    return client.query(explain ? `EXPLAIN (FORMAT JSON) ${KNN}` : KNN, [literal(query), K]);
  });
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

function planNodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)];
}

t.test('a nearest-neighbour query is answered by the HNSW index', async (t) => {
  const { rows } = await nearest(gateway, tenantA, true);
  const plan = (rows[0] as { 'QUERY PLAN': { Plan: PlanNode }[] })['QUERY PLAN'][0]?.Plan;
  t.ok(plan, 'EXPLAIN returned a plan');
  const scans = plan === undefined ? [] : planNodes(plan);
  t.ok(
    scans.some((node) => node['Node Type'] === 'Index Scan' && node['Index Name'] === 'objects_embedding_hnsw_idx'),
    'the plan scans objects_embedding_hnsw_idx',
  );
});

t.test("returns the query cluster's nearest members, nearest first", async (t) => {
  const { rows } = await nearest(gateway, tenantA);
  const expected = Array.from({ length: K }, (_, member) => `c${queryCluster}-m${member}`);
  t.same(
    rows.map((row: { external_id: string }) => row.external_id),
    expected,
  );
  const distances = rows.map((row: { distance: number }) => row.distance);
  t.same(
    distances,
    [...distances].sort((x, y) => x - y),
    'in ascending cosine distance',
  );
});

t.test("never returns another tenant's objects, even the nearest ones", async (t) => {
  const fromA = await nearest(gateway, tenantA);
  t.notOk(
    fromA.rows.some((row: { external_id: string }) => row.external_id.startsWith('decoy-')),
    "tenant A gets none of tenant B's decoys",
  );
  const fromB = await nearest(gateway, tenantB);
  t.equal(fromB.rowCount, K);
  t.ok(
    fromB.rows.every((row: { external_id: string }) => row.external_id.startsWith('decoy-')),
    'tenant B gets only its own',
  );
});
