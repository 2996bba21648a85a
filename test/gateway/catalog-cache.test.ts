// The gateway reuses a tenant's ontology catalog while its fingerprint, read in each request's own
// snapshot, is unchanged (gateway/sql/catalog.ts). A change of the ontology, such as a property
// becoming sensitive, applies to the very next request; a tenant never gets another's catalog.
import t from 'tap';
import { CatalogCache, type Catalog } from '../../gateway/sql/catalog.ts';
import { connect } from '../support/database.ts';
import { startGateway } from '../support/gateway/gateway-harness.ts';
import { tokenFor } from '../support/gateway/tokens.ts';
import { seedTwoTenants, TENANT_A, TENANT_B } from '../support/gateway/two-tenants.ts';

const seeded = await seedTwoTenants(t);
const admin = await connect(t, seeded.db.admin);
const gateway = await startGateway(t, seeded.db.gateway);

const EMAILS = '{ objects(type: "Customer", first: 3) { nodes { externalId properties redacted } } }';
type Page = { objects: { nodes: { externalId: string; properties: Record<string, unknown>; redacted: string[] }[] } };

async function emails(token: string): Promise<{ shown: unknown[]; redacted: string[][] }> {
  const response = await gateway.query(token, EMAILS);
  t.same(response.codes, []);
  const nodes = (response.body.data as Page).objects.nodes;
  return { shown: nodes.map((n) => n.properties.email), redacted: nodes.map((n) => n.redacted) };
}

const setSensitive = (sensitive: boolean) =>
  admin.query(
    `UPDATE object_properties SET sensitive = $2
     WHERE tenant_id = $1 AND name = 'email' AND object_type_id = (SELECT id FROM object_types WHERE tenant_id = $1 AND name = 'Customer')`,
    [TENANT_A, sensitive],
  );

t.test('a property made sensitive is redacted from the next request on, and back', async (t) => {
  const viewer = await tokenFor(TENANT_A, ['viewer']);
  const statements0 = await gateway.dbQueries();
  const before = await emails(viewer);
  const statements1 = await gateway.dbQueries();
  t.ok(before.shown.every((email) => email === null) && before.redacted.every((r) => r.includes('email')), 'email is sensitive: redacted');
  await emails(viewer);
  const statements2 = await gateway.dbQueries();
  t.equal(statements2 - statements1, statements1 - statements0 - 1, 'the second request reads the catalog from the cache: one statement fewer');

  await setSensitive(false);
  t.teardown(() => setSensitive(true));
  const after = await emails(viewer);
  t.ok(after.shown.every((email) => typeof email === 'string'), 'no longer sensitive: shown on the next request');
  t.same(after.redacted, after.redacted.map(() => []));

  await setSensitive(true);
  const again = await emails(viewer);
  t.ok(again.shown.every((email) => email === null), 'sensitive again: redacted again on the next request');
});

t.test("each tenant gets its own catalog, even with both cached", async (t) => {
  const a = await gateway.query(await tokenFor(TENANT_A, ['viewer']), '{ objectTypes { name } }');
  const b = await gateway.query(await tokenFor(TENANT_B, ['viewer']), '{ objectTypes { name } }');
  const names = (r: typeof a) => (r.body.data as { objectTypes: { name: string }[] }).objectTypes.map((x) => x.name).sort();
  const inDb = async (tenant: string) => (await admin.query<{ name: string }>('SELECT name FROM object_types WHERE tenant_id = $1 ORDER BY name', [tenant])).rows.map((r) => r.name);
  t.same(names(a), await inDb(TENANT_A));
  t.same(names(b), await inDb(TENANT_B));
});

t.test('the cache keeps one fingerprint per tenant and a bounded number of tenants', async (t) => {
  const catalog = (name: string) => ({ objectTypes: [], linkTypes: [], name }) as unknown as Catalog;
  const cache = new CatalogCache(2);
  cache.set('a', 'f1', catalog('a1'));
  t.equal(cache.get('a', 'f1'), cache.get('a', 'f1'));
  t.equal(cache.get('b', 'f1'), undefined, 'keyed by tenant too');
  cache.set('a', 'f2', catalog('a2'));
  t.equal(cache.get('a', 'f1'), undefined, "a tenant's older fingerprint is dropped");
  t.equal(cache.size, 1);
  cache.set('b', 'f1', catalog('b1'));
  cache.get('a', 'f2'); // a is now the most recently used
  cache.set('c', 'f1', catalog('c1'));
  t.equal(cache.size, 2);
  t.equal(cache.get('b', 'f1'), undefined, 'the least recently used tenant goes first');
  t.not(cache.get('a', 'f2'), undefined);
});
