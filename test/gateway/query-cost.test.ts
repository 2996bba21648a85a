// The static cost model (gateway/protection/query-cost.ts), figure by figure.
import { readFileSync } from 'node:fs';
import { buildSchema, parse } from 'graphql';
import t from 'tap';
import { SCHEMA_FILE } from '../../gateway/build-server.ts';
import { operationCost } from '../../gateway/protection/query-cost.ts';

const schema = buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));
const options = { maxCost: 5000, maxTraversalNodes: 500 };
const cost = (query: string, variables: Record<string, unknown> = {}, operationName?: string, budget = options) =>
  operationCost(schema, parse(query), operationName, variables, budget);

t.test('each field costs 1; objects cost 1 each', async (t) => {
  t.equal(cost('{ viewer { subject tenantId } }'), 3);
  t.equal(cost('{ object(type: "A", id: "1") { externalId properties } }'), 3);
  t.equal(cost('{ __typename }'), 1);
});

t.test('a connection multiplies its edges and nodes by first, not its pageInfo', async (t) => {
  // objects 1 + edges (1 + 10 x node (1 + externalId 1)) + pageInfo (1 + 1) = 24
  t.equal(cost('{ objects(type: "A", first: 10) { edges { node { externalId } } pageInfo { hasNextPage } } }'), 24);
  t.equal(cost('query Q($n: Int) { objects(type: "A", first: $n) { nodes { externalId } } }', { n: 10 }), 12);
  // An omitted first costs its schema default (50).
  t.equal(cost('{ objects(type: "A") { nodes { externalId } } }'), 52);
  // A variable's own default counts when the variable is not sent.
  t.equal(cost('query Q($n: Int = 3) { objects(type: "A", first: $n) { nodes { externalId } } }'), 5);
});

t.test('nested lists multiply', async (t) => {
  // objects 1 + nodes (1 + 10 x (externalId 1 + links (1 + 5 x (linkType 1))))
  t.equal(cost('{ objects(type: "A", first: 10) { nodes { externalId links(first: 5) { linkType } } } }'), 1 + 1 + 10 * (1 + 1 + 5));
  // Lists without a size argument use @listSize(assumedSize) or 10.
  t.equal(cost('{ objectTypes { name properties { name } } }'), 1 + 20 * (1 + 1 + 20 * 1));
  t.equal(cost('{ proposal(id: "x") { approvals { approver } } }'), 1 + 1 + 5);
});

t.test('aliases and fragments count every time they are used', async (t) => {
  t.equal(cost('{ a: viewer { subject } b: viewer { subject } }'), 4);
  t.equal(cost('{ objects(type: "A", first: 2) { nodes { ...F } } } fragment F on OntologyObject { externalId type }'), 1 + 1 + 2 * 2);
  t.equal(cost('{ objects(type: "A", first: 2) { nodes { ... on OntologyObject { externalId } } } }'), 1 + 1 + 2);
});

t.test('a traversal is sized by what maxDepth and maxFanOut can reach, capped by the node limit', async (t) => {
  // 1 + 10 + 100 = 111 objects by default; nodes (1 + 111 x (depth 1)).
  t.equal(cost('{ traverse(from: { type: "A", id: "1" }) { nodes { depth } } }'), 1 + 1 + 111);
  t.equal(cost('{ traverse(from: { type: "A", id: "1" }, maxDepth: 1, maxFanOut: 3) { nodes { depth } edges { linkType } } }'), 1 + (1 + 4) + (1 + 4));
  t.equal(cost('{ traverse(from: { type: "A", id: "1" }, maxDepth: 4, maxFanOut: 50) { nodes { depth } } }'), 1 + 1 + 500);
});

t.test('introspection costs nothing (it is refused in production and answered without the database)', async (t) => {
  t.equal(cost('{ __schema { types { name fields { name type { name ofType { name } } } } } }'), 0);
});

t.test('the estimate stops once the budget is spent, however the document multiplies', async (t) => {
  t.equal(cost('{ objects(type: "A", first: 200) { nodes { links(first: 200) { linkType } } } }'), undefined);
  const fragments = Array.from({ length: 30 }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join('\n');
  const started = Date.now();
  t.equal(cost(`{ ...F0 }\n${fragments}\nfragment F30 on Query { viewer { subject } }`), undefined, '2^30 copies');
  t.ok(Date.now() - started < 500, `decided in ${Date.now() - started} ms`);
});

t.test('the named operation is costed; without a usable name, the dearest one', async (t) => {
  const document = 'query Cheap { viewer { subject } } query Dear { objects(type: "A", first: 100) { nodes { externalId } } }';
  t.equal(cost(document, {}, 'Cheap'), 2);
  t.equal(cost(document, {}, 'Dear'), 102);
  t.equal(cost(document, {}, undefined), 102);
  t.equal(cost(document, {}, 'Missing'), 102);
});
