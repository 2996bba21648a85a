// Links, bounded traversal and vector similarity: only live links between live objects
// (ADR 0004), the traversal limits, and the nearest neighbours pgvector finds.
import t from 'tap';
import { startGateway } from '../support/gateway/gateway-harness.ts';
import { tokenFor } from '../support/gateway/tokens.ts';
import { PUMP_CENTERS, seedTwoTenants, TENANT_A } from '../support/gateway/two-tenants.ts';

const seeded = await seedTwoTenants(t);
const gateway = await startGateway(t, seeded.db.gateway);
const viewer = await tokenFor(TENANT_A, ['viewer']);
const operator = await tokenFor(TENANT_A, ['operator']);

const TRAVERSE = `query T($from: ObjectRef!, $linkTypes: [String!], $direction: LinkDirection, $maxDepth: Int, $maxFanOut: Int) {
  traverse(from: $from, linkTypes: $linkTypes, direction: $direction, maxDepth: $maxDepth, maxFanOut: $maxFanOut) {
    root { externalId }
    truncated
    nodes { depth object { externalId } }
    edges { linkType from { externalId } to { externalId } }
  }
}`;

const SIMILAR = `query S($to: ObjectRef, $vector: [Float!], $type: String, $where: ObjectFilter, $k: Int) {
  similarObjects(to: $to, vector: $vector, type: $type, where: $where, k: $k) { distance object { type externalId } }
}`;

const pump = (id: string) => ({ type: 'Pump', id });
const nodesOf = (data: any) => data.traverse.nodes.map((n: { depth: number; object: { externalId: string } }) => `${n.object.externalId}@${n.depth}`);
const edgesOf = (data: any) =>
  data.traverse.edges.map((e: { linkType: string; from: { externalId: string }; to: { externalId: string } }) => `${e.from.externalId}-${e.linkType}->${e.to.externalId}`).sort();

t.test('OntologyObject.links returns live links with live endpoints, by direction and type', async (t) => {
  const response = await gateway.query(
    viewer,
    `{ p1: object(type: "Pump", id: "p-1") {
         out: links(direction: OUT) { linkType to { externalId } }
         in: links(direction: IN) { linkType from { externalId } }
         both: links { linkType from { externalId } to { externalId } }
         feeds: links(linkType: "feeds", direction: BOTH) { to { externalId } }
         one: links(first: 1) { linkType }
       }
       p6: object(type: "Pump", id: "p-6") { links(linkType: "feeds", direction: OUT) { to { externalId } } }
       s0: object(type: "Site", id: "s-0") { links(direction: IN) { linkType properties redacted from { externalId } } } }`,
  );
  t.same(response.codes, []);
  const { p1, p6, s0 } = response.body.data!;
  // p-1 feeds p-2 and p-deleted (invisible); p-1 is installed at s-1.
  t.same(p1.out.map((l: any) => `${l.linkType}:${l.to.externalId}`).sort(), ['feeds:p-2', 'installedAt:s-1']);
  t.same(p1.in, [{ linkType: 'feeds', from: { externalId: 'p-0' } }]);
  t.equal(p1.both.length, 3);
  t.same(p1.feeds.map((l: any) => l.to.externalId).sort(), ['p-1', 'p-2']);
  t.equal(p1.one.length, 1);
  t.same(p6.links, [], 'the deleted link p-6 -> p-7 is not visible');
  t.same(
    s0.links.map((l: any) => `${l.linkType}:${l.from.externalId}`).sort(),
    ['installedAt:p-0', 'installedAt:p-5', 'owns:c-000'],
  );
  const installed = s0.links.find((l: any) => l.from.externalId === 'p-0');
  t.same(installed.properties, { position: 'bay 0', gateCode: null }, 'sensitive link property redacted for a viewer');
  t.same(installed.redacted, ['gateCode']);
  const asOperator = await gateway.query(operator, '{ object(type: "Pump", id: "p-0") { links(linkType: "installedAt") { properties redacted } } }');
  t.same(asOperator.body.data!.object.links, [{ properties: { position: 'bay 0', gateCode: 'gate-0' }, redacted: [] }]);
  t.same((await gateway.query(viewer, '{ object(type: "Pump", id: "p-1") { links(linkType: "nope") { linkType } } }')).codes, ['NOT_FOUND']);
  t.same((await gateway.query(viewer, '{ object(type: "Pump", id: "p-1") { links(first: 500) { linkType } } }')).codes, ['BAD_USER_INPUT']);
});

t.test('links of a page of objects are read by one statement, not one per object (loader)', async (t) => {
  const before = await gateway.dbQueries();
  const response = await gateway.query(viewer, '{ objects(type: "Pump", first: 20) { nodes { externalId links { linkType from { externalId } to { externalId } } } } }');
  t.same(response.codes, []);
  t.equal(response.body.data!.objects.nodes.length, 20);
  const statements = (await gateway.dbQueries()) - before;
  // catalog, the page, the links of all 20 pumps, the from endpoints, the to endpoints.
  t.ok(statements <= 5, `${statements} statements for 20 objects with their links and endpoints`);
});

t.test('links read details only when shown, and show them under aliases, fragments and mixed selections', async (t) => {
  const full = await gateway.query(operator, '{ object(type: "Pump", id: "p-0") { properties version sourceVersion createdAt updatedAt } }');
  t.same(full.codes, []);
  const pump0 = full.body.data!.object;
  const response = await gateway.query(
    operator,
    `{ site: object(type: "Site", id: "s-0") {
         light: links(direction: IN, linkType: "installedAt") { linkType from { externalId type } }
         detailed: links(direction: IN, linkType: "installedAt") { ...LinkDetails }
         inline: links(direction: IN, linkType: "installedAt") { from { ... on OntologyObject { externalId properties } } }
       } }
     fragment LinkDetails on Link { version createdAt properties from { externalId ...ObjectDetails } }
     fragment ObjectDetails on OntologyObject { properties version sourceVersion createdAt updatedAt }`,
  );
  t.same(response.codes, []);
  const { light, detailed, inline } = response.body.data!.site;
  t.same(light.map((l: any) => l.from.externalId).sort(), ['p-0', 'p-5']);
  t.same(light[0].from.type, 'Pump');
  const viaFragment = detailed.find((l: any) => l.from.externalId === 'p-0');
  t.same(viaFragment.from, { externalId: 'p-0', ...pump0 }, 'the far endpoint through a fragment: every detail, as a direct read shows it');
  t.same(viaFragment.properties, { position: 'bay 0', gateCode: 'gate-0' });
  t.equal(viaFragment.version, 1);
  t.match(viaFragment.createdAt, /^\d{4}-\d\d-\d\dT/);
  t.same(inline.find((l: any) => l.from.externalId === 'p-0').from.properties, pump0.properties, 'through an inline fragment');
});

t.test('traverse walks live links breadth first within maxDepth', async (t) => {
  const two = await gateway.query(viewer, TRAVERSE, { from: pump('p-0'), linkTypes: ['feeds'], maxDepth: 2 });
  t.same(two.codes, []);
  t.equal(two.body.data!.traverse.root.externalId, 'p-0');
  t.same(nodesOf(two.body.data), ['p-0@0', 'p-1@1', 'p-2@2'], 'p-1 -> p-deleted is not walked');
  t.same(edgesOf(two.body.data), ['p-0-feeds->p-1', 'p-1-feeds->p-2']);
  t.equal(two.body.data!.traverse.truncated, false);

  const four = await gateway.query(viewer, TRAVERSE, { from: pump('p-3'), linkTypes: ['feeds'], maxDepth: 4 });
  t.same(nodesOf(four.body.data), ['p-3@0', 'p-4@1', 'p-5@2', 'p-6@3'], 'stops at the deleted link p-6 -> p-7');

  const incoming = await gateway.query(viewer, TRAVERSE, { from: pump('p-2'), direction: 'IN', maxDepth: 3 });
  t.same(nodesOf(incoming.body.data), ['p-2@0', 'p-1@1', 'p-0@2']);

  const both = await gateway.query(viewer, TRAVERSE, { from: { type: 'Site', id: 's-0' }, direction: 'BOTH', maxDepth: 1 });
  t.same(nodesOf(both.body.data).sort(), ['c-000@1', 'p-0@1', 'p-5@1', 's-0@0']);

  const typed = await gateway.query(viewer, TRAVERSE, { from: { type: 'Site', id: 's-0' }, linkTypes: ['owns'], direction: 'BOTH', maxDepth: 2 });
  t.same(nodesOf(typed.body.data), ['s-0@0', 'c-000@1']);
});

t.test('traverse bounds fan-out and reports truncation', async (t) => {
  const five = await gateway.query(viewer, TRAVERSE, { from: pump('p-hub'), maxDepth: 1, maxFanOut: 5 });
  t.equal(five.body.data!.traverse.nodes.length, 6, 'the hub and 5 of its 12 neighbours');
  t.equal(five.body.data!.traverse.edges.length, 5);
  t.equal(five.body.data!.traverse.truncated, true);
  const all = await gateway.query(viewer, TRAVERSE, { from: pump('p-hub'), maxDepth: 1, maxFanOut: 12 });
  t.equal(all.body.data!.traverse.nodes.length, 13);
  t.equal(all.body.data!.traverse.truncated, false, 'exactly maxFanOut links is not truncation');
});

t.test('traverse stops at the node limit', async (t) => {
  const small = await startGateway(t, seeded.db.gateway, { GATEWAY_MAX_TRAVERSAL_NODES: '4' });
  const response = await small.query(viewer, TRAVERSE, { from: pump('p-hub'), maxDepth: 2, maxFanOut: 50 });
  t.same(response.codes, []);
  t.equal(response.body.data!.traverse.nodes.length, 4);
  t.equal(response.body.data!.traverse.truncated, true);
  t.equal(response.body.data!.traverse.edges.length, 3, 'edges only between objects reached');
});

t.test('traverse arguments are checked', async (t) => {
  t.same((await gateway.query(viewer, TRAVERSE, { from: pump('p-0'), maxDepth: 5 })).codes, ['BAD_USER_INPUT']);
  t.same((await gateway.query(viewer, TRAVERSE, { from: pump('p-0'), maxFanOut: 51 })).codes, ['BAD_USER_INPUT']);
  t.same((await gateway.query(viewer, TRAVERSE, { from: pump('p-0'), maxDepth: 0 })).codes, ['BAD_USER_INPUT']);
  t.same((await gateway.query(viewer, TRAVERSE, { from: pump('p-0'), linkTypes: [] })).codes, ['BAD_USER_INPUT']);
  t.same((await gateway.query(viewer, TRAVERSE, { from: pump('p-0'), linkTypes: ['nope'] })).codes, ['NOT_FOUND']);
  t.same((await gateway.query(viewer, TRAVERSE, { from: pump('p-nope') })).codes, ['NOT_FOUND']);
  t.same((await gateway.query(viewer, TRAVERSE, { from: pump('p-deleted') })).codes, ['NOT_FOUND']);
});

t.test('similarObjects to an object returns its nearest neighbours, nearest first, without itself', async (t) => {
  const response = await gateway.query(viewer, SIMILAR, { to: pump('p-0'), k: 3 });
  t.same(response.codes, []);
  const results = response.body.data!.similarObjects;
  t.same(results.map((r: any) => r.object.externalId), ['p-1', 'p-2', 'p-3']);
  t.ok(results.every((r: any, i: number) => i === 0 || r.distance >= results[i - 1].distance), 'distances ascend');
  const other = await gateway.query(viewer, SIMILAR, { to: pump('p-10'), k: 2 });
  t.same(other.body.data!.similarObjects.map((r: any) => r.object.externalId), ['p-11', 'p-12']);
});

t.test('similarObjects near a vector, by type and with a filter', async (t) => {
  const response = await gateway.query(viewer, SIMILAR, { vector: PUMP_CENTERS[0], type: 'Pump', k: 5 });
  t.same(response.body.data!.similarObjects.map((r: any) => r.object.externalId), ['p-0', 'p-1', 'p-2', 'p-3', 'p-4']);
  const filtered = await gateway.query(viewer, SIMILAR, { vector: PUMP_CENTERS[0], type: 'Pump', where: { properties: [{ name: 'power', gte: 3 }] }, k: 3 });
  t.same(filtered.body.data!.similarObjects.map((r: any) => r.object.externalId), ['p-2', 'p-3', 'p-4']);
  const untyped = await gateway.query(viewer, SIMILAR, { vector: PUMP_CENTERS[1], k: 50 });
  t.equal(untyped.body.data!.similarObjects.length, 20, 'every object with an embedding, and only those');
});

t.test('similarObjects arguments are checked', async (t) => {
  const v = PUMP_CENTERS[0];
  t.same((await gateway.query(viewer, SIMILAR, { to: pump('p-0'), vector: v })).codes, ['BAD_USER_INPUT'], 'both to and vector');
  t.same((await gateway.query(viewer, SIMILAR, {})).codes, ['BAD_USER_INPUT'], 'neither');
  t.same((await gateway.query(viewer, SIMILAR, { vector: [1, 2, 3] })).codes, ['BAD_USER_INPUT'], 'wrong dimension');
  t.same((await gateway.query(viewer, SIMILAR, { vector: v.map(() => 0) })).codes, ['BAD_USER_INPUT'], 'zero vector');
  t.same((await gateway.query(viewer, SIMILAR, { vector: v, where: { properties: [{ name: 'power', gte: 1 }] } })).codes, ['BAD_USER_INPUT'], 'where without type');
  t.same((await gateway.query(viewer, SIMILAR, { vector: v, k: 51 })).codes, ['BAD_USER_INPUT'], 'k above 50');
  t.same((await gateway.query(viewer, SIMILAR, { to: { type: 'Customer', id: 'c-000' } })).codes, ['BAD_USER_INPUT'], 'no embedding');
  t.same((await gateway.query(viewer, SIMILAR, { to: pump('p-deleted') })).codes, ['NOT_FOUND'], 'deleted reference');
  t.same((await gateway.query(viewer, SIMILAR, { vector: v, type: 'Nope' })).codes, ['NOT_FOUND'], 'unknown type');
});
