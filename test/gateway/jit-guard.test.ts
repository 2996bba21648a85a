// Which operations the gateway keeps away from graphql-jit (gateway/protection/jit-guard.ts):
// those with a variable whose input type reaches itself, which graphql-jit 0.8.9 cannot compile
// without exhausting the heap. objects-read.test.ts sends such an operation many times through
// the real gateway (with jit on), which is the end-to-end check that the guard holds.
import { readFileSync } from 'node:fs';
import { buildSchema, parse } from 'graphql';
import t from 'tap';
import { SCHEMA_FILE } from '../../gateway/build-server.ts';
import { hasRecursiveInputVariable, jitGuardHook, recursiveInputTypes } from '../../gateway/protection/jit-guard.ts';

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
