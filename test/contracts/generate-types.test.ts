import t from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateIndex, generateModule, generateTypes, kebabCase } from '../../contracts/codegen/generate-types.ts';

// Small but covers every construct the contracts use.
const schema = {
  type: 'record',
  name: 'SampleEvent',
  namespace: 'aix.test',
  doc: 'A sample event.',
  fields: [
    { name: 'eventId', type: { type: 'string', logicalType: 'uuid' }, doc: 'Id of the event.' },
    { name: 'occurredAt', type: { type: 'long', logicalType: 'timestamp-millis' }, doc: 'When it happened.' },
    { name: 'count', type: 'long', doc: 'How many.' },
    {
      name: 'color',
      type: { type: 'enum', name: 'Color', doc: 'A color.', symbols: ['RED', 'GREEN'] },
      doc: 'Its color.',
    },
    { name: 'note', type: ['null', 'string'], default: null, doc: 'An optional note.' },
    { name: 'tags', type: { type: 'array', items: 'string' }, doc: 'Tags.' },
    { name: 'scores', type: { type: 'map', values: 'double' }, doc: 'Scores by name.' },
    {
      name: 'owner',
      type: {
        type: 'record',
        name: 'Owner',
        doc: 'Who owns it.',
        fields: [{ name: 'name', type: 'string', doc: 'Owner name.' }],
      },
      doc: 'The owner.',
    },
    { name: 'previousOwners', type: { type: 'array', items: 'Owner' }, doc: 'Earlier owners.' },
    {
      name: 'expiresAt',
      type: ['null', { type: 'long', logicalType: 'timestamp-millis' }],
      default: null,
      doc: 'When it expires.',
    },
    { name: 'embedding', type: ['null', { type: 'array', items: 'float' }], default: null, doc: 'A vector.' },
  ],
} as const;

t.test('starts with the DO NOT EDIT header naming the schema file', async (t) => {
  const source = generateTypes(schema, 'SampleEvent.avsc');
  t.ok(source.startsWith('// GENERATED FROM contracts/avro/SampleEvent.avsc by contracts/codegen — DO NOT EDIT.\n'));
});

t.test('maps every construct to the TypeScript type avsc decodes it to', async (t) => {
  const source = generateTypes(schema, 'SampleEvent.avsc');
  t.match(source, /export interface SampleEvent \{\n/);
  for (const line of [
    '  eventId: string;',
    '  occurredAt: number;',
    '  count: number;',
    '  color: Color;',
    '  note: string | null;',
    '  tags: string[];',
    '  scores: Record<string, number>;',
    '  owner: Owner;',
    '  previousOwners: Owner[];',
    '  expiresAt: number | null;',
    '  embedding: number[] | null;',
    'export interface Owner {',
    '  name: string;',
    "export type Color = 'RED' | 'GREEN';",
    "export const ColorSymbols = ['RED', 'GREEN'] as const satisfies readonly Color[];",
    "export const SampleEventSchemaFile = 'SampleEvent.avsc';",
  ]) {
    t.ok(source.split('\n').includes(line), line);
  }
});

t.test('carries docs and logical-type notes into JSDoc', async (t) => {
  const source = generateTypes(schema, 'SampleEvent.avsc');
  t.match(source, /\/\*\*\n \* A sample event\.\n \*\n \* Avro record `aix\.test\.SampleEvent`\.\n \*\/\nexport interface SampleEvent/);
  t.match(source, /Id of the event\.\n\s+\*\n\s+\* UUID string \(Avro logical type `uuid` on `string`\)\./);
  t.match(source, /When it happened\.\n\s+\*\n\s+\* Epoch milliseconds, UTC/);
  t.match(source, /How many\.\n\s+\*\n\s+\* Avro `long`, decoded as a JS number/);
  t.match(source, /An optional note\.\n\s+\*\n\s+\* Default: `null`\./);
  t.match(source, /\* A color\.\n \*\n \* Avro enum `aix\.test\.Color`\./);
  t.match(source, /Avro record `aix\.test\.Owner`/, 'nested records inherit the enclosing namespace');
});

t.test('exports the schema as a const object equal to the input', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'l3-generate-types-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'sample-event.ts');
  // Pin the module type: otherwise Node decides from whatever package.json sits above the temp dir.
  await writeFile(join(dir, 'package.json'), '{"type":"module"}');
  await writeFile(file, generateTypes(schema, 'SampleEvent.avsc'));
  // Also proves the output is plain erasable TypeScript that Node runs with type stripping.
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  t.same(module['SampleEventSchema'], schema);
  t.same(module['ColorSymbols'], ['RED', 'GREEN']);
  t.equal(module['SampleEventSchemaFile'], 'SampleEvent.avsc');
});

t.test('is deterministic and names the module after the record', async (t) => {
  const first = generateModule(schema, 'SampleEvent.avsc');
  const second = generateModule(JSON.parse(JSON.stringify(schema)), 'SampleEvent.avsc');
  t.equal(first.source, second.source);
  t.equal(first.fileName, 'sample-event.ts');
  t.same(
    first.exports.map((e) => e.name),
    ['SampleEvent', 'Color', 'ColorSymbols', 'Owner', 'SampleEventSchemaFile', 'SampleEventSchema'],
  );
});

t.test('kebab-cases record names', async (t) => {
  t.equal(kebabCase('TypeDefChange'), 'type-def-change');
  t.equal(kebabCase('ActionExecutionRequested'), 'action-execution-requested');
  t.equal(kebabCase('HTTPRequest'), 'http-request');
});

t.test('rejects what it cannot generate', async (t) => {
  t.throws(() => generateTypes({ type: 'enum', name: 'E', symbols: ['A'] }, 'E.avsc'), /top-level schema must be a record/);
  t.throws(
    () => generateTypes({ type: 'record', name: 'R', fields: [{ name: 'x', type: 'Missing' }] }, 'R.avsc'),
    /unknown type Missing/,
  );
  t.throws(
    () =>
      generateTypes(
        { type: 'record', name: 'R', fields: [{ name: 'a', type: { type: 'enum', name: 'E', symbols: ['A'] } }, { name: 'b', type: { type: 'enum', name: 'E', symbols: ['B'] } }] },
        'R.avsc',
      ),
    /E is defined twice/,
  );
});

t.test('index exports a type shared by several schemas once, and refuses differing definitions', async (t) => {
  const withOp = (name: string, symbols: string[]) => ({
    type: 'record',
    name,
    doc: name,
    fields: [{ name: 'op', type: { type: 'enum', name: 'Op', doc: `op of ${name}`, symbols }, doc: 'op' }],
  });
  const a = generateModule(withOp('Alpha', ['UPSERT', 'DELETE']), 'Alpha.avsc');
  const b = generateModule(withOp('Beta', ['UPSERT', 'DELETE']), 'Beta.avsc');
  const index = generateIndex([b, a]);
  t.ok(index.startsWith('// GENERATED FROM contracts/avro/*.avsc by contracts/codegen — DO NOT EDIT.\n'));
  t.match(index, /export \{\n  type Alpha,\n  type Op,\n  OpSymbols,\n  AlphaSchemaFile,\n  AlphaSchema,\n\} from '\.\/alpha\.ts';/);
  t.match(index, /export \{\n  type Beta,\n  BetaSchemaFile,\n  BetaSchema,\n\} from '\.\/beta\.ts';/);

  const c = generateModule(withOp('Gamma', ['UPSERT']), 'Gamma.avsc');
  t.throws(() => generateIndex([a, c]), /Op is defined differently in Alpha\.avsc and Gamma\.avsc/);
});
