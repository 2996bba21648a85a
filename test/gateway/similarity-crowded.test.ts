// similarObjects for a small tenant whose vectors sit among many nearer vectors of another
// tenant. The HNSW index is shared by all tenants and row-level security filters its candidates
// afterwards (ADR 0001): with 400 of tenant B's objects nearer the query than any of tenant A's,
// the index scan's candidates (hnsw.ef_search of them) are all B's and none survives the filter.
// The gateway then answers from an exact scan of what the filters let through: A still gets its
// k nearest, in order, and never one of B's.
import t from 'tap';
import { mulberry32 } from '../../runtime/seeded-random.ts';
import { connect, withTenant } from '../support/database.ts';
import { startGateway } from '../support/gateway/gateway-harness.ts';
import { tokenFor } from '../support/gateway/tokens.ts';
import { around, PUMP_CENTERS, seedTwoTenants, TENANT_A, TENANT_B } from '../support/gateway/two-tenants.ts';

const DECOYS = 400;

const seeded = await seedTwoTenants(t);
const processor = await connect(t, seeded.db.processor);
await withTenant(processor, TENANT_B, async (tx) => {
  const { rows } = await tx.query<{ id: string }>("SELECT id FROM object_types WHERE name = 'Pump'");
  const random = mulberry32(404);
  // Spreads 0.021 .. 0.049: nearer the center than A's pumps (0.05 and up), farther than the 20
  // decoys B already has (up to 0.02).
  const embeddings = Array.from({ length: DECOYS }, (_, i) => JSON.stringify(around(random, PUMP_CENTERS[0], 0.021 + 0.00007 * i)));
  await tx.query(
    `INSERT INTO objects (tenant_id, object_type_id, external_id, properties, embedding, source_version)
     SELECT $1, $2, 'crowd-' || n, '{"serial": "SN-CROWD", "status": "running"}'::jsonb, e::vector, 1
     FROM unnest($3::text[]) WITH ORDINALITY AS d(e, n)`,
    [TENANT_B, rows[0]!.id, embeddings],
  );
});
await (await connect(t, seeded.db.admin)).query('ANALYZE objects');
const gateway = await startGateway(t, seeded.db.gateway);
const viewerA = await tokenFor(TENANT_A, ['viewer']);
const viewerB = await tokenFor(TENANT_B, ['viewer']);

const SIMILAR = `query S($vector: [Float!], $to: ObjectRef, $type: String, $where: ObjectFilter, $k: Int) {
  similarObjects(vector: $vector, to: $to, type: $type, where: $where, k: $k) { distance object { externalId } }
}`;
const ids = (response: { body: { data?: any } }) => response.body.data!.similarObjects.map((r: { object: { externalId: string } }) => r.object.externalId);

t.test('the crowded-out tenant still gets its k nearest, nearest first', async (t) => {
  const response = await gateway.query(viewerA, SIMILAR, { vector: PUMP_CENTERS[0], type: 'Pump', k: 10 });
  t.same(response.codes, []);
  t.same(ids(response), Array.from({ length: 10 }, (_, i) => `p-${i}`), "A's ten pumps of the first cluster, by spread");
  const distances = response.body.data!.similarObjects.map((r: { distance: number }) => r.distance);
  t.same(distances, [...distances].sort((x: number, y: number) => x - y));
});

t.test('also by object, untyped, and with a filter', async (t) => {
  t.same(ids(await gateway.query(viewerA, SIMILAR, { to: { type: 'Pump', id: 'p-0' }, k: 3 })), ['p-1', 'p-2', 'p-3']);
  t.same(ids(await gateway.query(viewerA, SIMILAR, { vector: PUMP_CENTERS[0], k: 2 })), ['p-0', 'p-1']);
  const filtered = await gateway.query(viewerA, SIMILAR, { vector: PUMP_CENTERS[0], type: 'Pump', where: { properties: [{ name: 'power', gte: 3 }] }, k: 3 });
  t.same(ids(filtered), ['p-2', 'p-3', 'p-4']);
});

t.test('the crowding tenant gets its own nearest, as before', async (t) => {
  t.same(ids(await gateway.query(viewerB, SIMILAR, { vector: PUMP_CENTERS[0], k: 5 })), ['p-0', 'p-1', 'p-2', 'p-3', 'p-4']);
  const beyondDecoys = await gateway.query(viewerB, SIMILAR, { vector: PUMP_CENTERS[0], k: 22 });
  t.same(ids(beyondDecoys).slice(20), ['crowd-1', 'crowd-2'], 'then the crowd, nearest first');
});
