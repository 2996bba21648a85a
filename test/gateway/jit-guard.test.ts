// Which operations the gateway keeps away from graphql-jit (gateway/protection/jit-guard.ts):
// those with a variable whose input type reaches itself, which graphql-jit 0.8.9 cannot compile
// without exhausting the heap. objects-read.test.ts sends such an operation many times through
// the real gateway (with jit on), which is the end-to-end check that the guard holds.
import { readFileSync } from 'node:fs';
import { buildSchema, parse } from 'graphql';
import t from 'tap';
import { SCHEMA_FILE } from '../../gateway/build-server.ts';
import { hasRecursiveInputVariable, jitGuardHook, recursiveInputTypes } from '../../gateway/protection/jit-guard.ts';
import { startGateway } from '../support/gateway/gateway-harness.ts';
import { tokenFor } from '../support/gateway/tokens.ts';
import { seedTwoTenants, TENANT_A } from '../support/gateway/two-tenants.ts';

const schema = buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));
const recursive = recursiveInputTypes(schema);

t.test('the recursive input types of the read schema: ObjectFilter (and, or, not)', async (t) => {
  t.same([...recursive].sort(), ['ObjectFilter']);
});

t.test('a small schema: self-reference, mutual reference and a type that only contains one', async (t) => {
  const small = buildSchema(`
    input Tree { children: [Tree!] }
    input Ping { pong: Pong }
    input Pong { ping: Ping }
    input Holder { tree: Tree, name: String }
    input Flat { name: String }
    type Query { a(tree: Tree, ping: Ping, holder: Holder, flat: Flat): Int }
  `);
  const found = recursiveInputTypes(small);
  t.same([...found].sort(), ['Ping', 'Pong', 'Tree']);
  const check = (source: string) => hasRecursiveInputVariable(small, parse(source), found);
  t.ok(check('query($t: Tree) { a(tree: $t) }'), 'a variable of a self-referencing type');
  t.ok(check('query($t: [Tree!]!) { a(tree: {children: $t}) }'), 'wrapped in lists and non-null');
  t.ok(check('query($p: Pong) { a(ping: {pong: $p}) }'), 'a mutually recursive type');
  t.ok(check('query($h: Holder) { a(holder: $h) }'), 'a type that contains a recursive one');
  t.notOk(check('query($f: Flat, $n: Int) { a(flat: $f) }'), 'no recursive variable');
  t.notOk(check('{ a(tree: {children: [{children: []}]}) }'), 'a recursive literal is coerced by graphql-js, not compiled');
});

t.test('the hook hands back the same document for exactly those operations', async (t) => {
  const hook = jitGuardHook();
  const unsafe = parse('query($where: ObjectFilter) { objects(type: "Pump", where: $where) { nodes { externalId } } }');
  const safe = parse('query($first: Int) { objects(type: "Pump", first: $first) { nodes { externalId } } }');
  t.same(await hook(schema, unsafe), { document: unsafe });
  t.equal((await hook(schema, unsafe))!.document, unsafe, 'the very same document: nothing is rewritten');
  t.equal(await hook(schema, safe), undefined);
});

// Differential: an operation's first request runs on graphql-js, the later ones on graphql-jit's
// compiled form. Every answer (data, errors with their codes and paths, status) must be the same.
t.test('through the gateway, the compiled form answers exactly as graphql-js did', async (t) => {
  const seeded = await seedTwoTenants(t);
  const gateway = await startGateway(t, seeded.db.gateway);
  const viewer = await tokenFor(TENANT_A, ['viewer']);
  const operator = await tokenFor(TENANT_A, ['operator']);
  const cases: { name: string; token: string; query: string; variables?: Record<string, unknown> }[] = [
    { name: 'a page with redaction', token: viewer, query: '{ objects(type: "Customer", first: 3) { nodes { id externalId type properties redacted version createdAt } pageInfo { hasNextPage endCursor } } }' },
    { name: 'the same page unredacted', token: operator, query: '{ objects(type: "Customer", first: 3) { nodes { externalId properties redacted } } }' },
    { name: 'links, endpoints and fragments', token: viewer, query: '{ object(type: "Site", id: "s-0") { ...O links(direction: IN) { linkType properties redacted from { ...O } } } } fragment O on OntologyObject { externalId type }' },
    { name: 'variables and defaults', token: viewer, query: 'query($t: String!, $k: Int) { objects(type: $t, first: $k) { edges { cursor node { externalId } } } }', variables: { t: 'Pump', k: 2 } },
    { name: 'a partial result: one field forbidden to a viewer', token: viewer, query: '{ objectTypes { name } proposals(first: 1) { nodes { proposalId } } }' },
    { name: 'an unknown type: NOT_FOUND with its path', token: viewer, query: '{ a: objects(type: "Nope") { nodes { externalId } } b: objectType(name: "Pump") { name } }' },
    { name: 'a bad argument: BAD_USER_INPUT', token: viewer, query: '{ objects(type: "Pump", first: 100000) { nodes { externalId } } }' },
  ];
  for (const c of cases) {
    const first = await gateway.query(c.token, c.query, c.variables);
    for (let repeat = 1; repeat <= 2; repeat++) {
      const again = await gateway.query(c.token, c.query, c.variables);
      t.same([again.statusCode, again.body], [first.statusCode, first.body], `${c.name}: request ${repeat + 1} answers as request 1`);
    }
  }
  // A variable of the wrong type: the same status, code, location and data. graphql-jit words
  // the message a little differently ("…; Expected type Int; Int cannot represent…").
  const badVariable = 'query($k: Int) { objects(type: "Pump", first: $k) { nodes { externalId } } }';
  const answers = [];
  for (let request = 1; request <= 3; request++) answers.push(await gateway.query(viewer, badVariable, { k: 'ten' }));
  for (const answer of answers) {
    t.same([answer.statusCode, answer.codes, answer.body.data, (answer.body.errors![0] as { locations?: unknown }).locations], [400, ['BAD_USER_INPUT'], null, [{ line: 1, column: 7 }]]);
    t.match(answer.body.errors![0]!.message, /^Variable "\$k" got invalid value "ten"; .*Int cannot represent non-integer value: "ten"$/);
  }
});
