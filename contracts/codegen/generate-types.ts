// Avro schema (.avsc JSON) -> TypeScript source. Pure: no I/O, no clock, no randomness, so the
// committed output can be compared byte for byte (cli.ts --check) and the same schemas always
// give the same files. Only Node's standard library is allowed here; the generator must run
// before dependencies are installed and must not drift with a third-party formatter.

/** One name a generated module exports, with what index.ts needs to re-export it safely. */
export interface ExportedName {
  readonly name: string;
  /** Erased at runtime; re-exported with `type` so Node's type stripping keeps the import valid. */
  readonly typeOnly: boolean;
  /** Shape of the declaration without docs: two schemas may define the same name only if equal. */
  readonly signature: string;
  /** Schema that defines it, for error messages. */
  readonly schemaFile: string;
}

/** The TypeScript module generated from one .avsc file. */
export interface GeneratedModule {
  /** Name of the generated file, kebab-case of the record name, e.g. `object-change.ts`. */
  readonly fileName: string;
  readonly schemaFile: string;
  readonly recordName: string;
  readonly source: string;
  readonly exports: readonly ExportedName[];
}

type JsonObject = { readonly [key: string]: unknown };

interface NamedType {
  readonly fullName: string;
  readonly name: string;
  readonly namespace: string;
  readonly schema: JsonObject;
}

const PRIMITIVE_TS: Readonly<Record<string, string>> = {
  null: 'null',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  float: 'number',
  double: 'number',
  bytes: 'Buffer',
  string: 'string',
};

// Why a reader of a field needs more than its TypeScript type. Keyed by `logicalType` (or the
// primitive when no logical type applies); order here is the order the notes are printed.
const TYPE_NOTES: ReadonlyArray<readonly [string, string]> = [
  ['uuid', 'UUID string (Avro logical type `uuid` on `string`).'],
  ['timestamp-millis', 'Epoch milliseconds, UTC (Avro logical type `timestamp-millis` on `long`).'],
  ['timestamp-micros', 'Epoch microseconds, UTC (Avro logical type `timestamp-micros` on `long`).'],
  ['date', 'Days since the Unix epoch (Avro logical type `date` on `int`).'],
  ['time-millis', 'Milliseconds after midnight (Avro logical type `time-millis` on `int`).'],
  ['long', 'Avro `long`, decoded as a JS number: exact up to Number.MAX_SAFE_INTEGER (2^53 - 1).'],
];

const HEADER_PREFIX = '// GENERATED FROM';
const GENERATOR = 'contracts/codegen';
const WRAP_AT = 100;

/** TypeScript source for one .avsc schema (a record). `schemaFile` is its name under contracts/avro/. */
export function generateTypes(schema: unknown, schemaFile: string): string {
  return generateModule(schema, schemaFile).source;
}

/** Like generateTypes, plus what the module exports (for index.ts). */
export function generateModule(schema: unknown, schemaFile: string): GeneratedModule {
  if (!isObject(schema) || schema['type'] !== 'record') {
    throw new TypeError(`${schemaFile}: the top-level schema must be a record`);
  }
  const named = collectNamedTypes(schema, schemaFile);
  const top = named[0];
  if (top === undefined) throw new TypeError(`${schemaFile}: no record found`);

  const blocks: string[] = [];
  const exports: ExportedName[] = [];
  for (const type of named) {
    const kind = type.schema['type'];
    if (kind === 'record') {
      blocks.push(recordBlock(type, named, schemaFile));
      exports.push({
        name: type.name,
        typeOnly: true,
        signature: recordSignature(type, named, schemaFile),
        schemaFile,
      });
    } else if (kind === 'enum') {
      const symbols = enumSymbols(type, schemaFile);
      blocks.push(enumBlock(type, symbols));
      const signature = `enum ${symbols.join(',')}`;
      exports.push({ name: type.name, typeOnly: true, signature, schemaFile });
      exports.push({ name: `${type.name}Symbols`, typeOnly: false, signature, schemaFile });
    } else {
      blocks.push(fixedBlock(type, schemaFile));
      exports.push({
        name: type.name,
        typeOnly: true,
        signature: `fixed ${String(type.schema['size'])}`,
        schemaFile,
      });
    }
  }

  blocks.push(
    [
      `/** File under contracts/avro/ that ${top.name} is generated from. */`,
      `export const ${top.name}SchemaFile = ${tsString(schemaFile)};`,
    ].join('\n'),
  );
  blocks.push(
    [
      `/**`,
      ` * The Avro schema of ${top.name}, exactly as in contracts/avro/${schemaFile}; register`,
      ` * \`JSON.stringify(${top.name}Schema)\` under the topic's value subject.`,
      ` */`,
      `export const ${top.name}Schema = ${JSON.stringify(schema, null, 2)} as const;`,
    ].join('\n'),
  );
  exports.push(
    { name: `${top.name}SchemaFile`, typeOnly: false, signature: `file ${schemaFile}`, schemaFile },
    { name: `${top.name}Schema`, typeOnly: false, signature: `schema ${schemaFile}`, schemaFile },
  );

  const header = [
    `${HEADER_PREFIX} contracts/avro/${schemaFile} by ${GENERATOR} — DO NOT EDIT.`,
    `// Regenerate with \`node contracts/codegen/cli.ts\`; CI runs it with --check.`,
  ].join('\n');
  return {
    fileName: `${kebabCase(top.name)}.ts`,
    schemaFile,
    recordName: top.name,
    source: `${header}\n\n${blocks.join('\n\n')}\n`,
    exports,
  };
}

/**
 * contracts/generated/index.ts: re-exports every module by name. The same named type may be
 * defined in several schemas (each subject is registered on its own), so a name is exported once,
 * from the first module in file-name order, and only if every definition has the same shape.
 */
export function generateIndex(modules: readonly GeneratedModule[]): string {
  const sorted = [...modules].sort((a, b) => compare(a.fileName, b.fileName));
  const firstByName = new Map<string, ExportedName>();
  const lines: string[] = [
    `${HEADER_PREFIX} contracts/avro/*.avsc by ${GENERATOR} — DO NOT EDIT.`,
    `// Regenerate with \`node contracts/codegen/cli.ts\`; CI runs it with --check.`,
    `// A type defined by several schemas (e.g. ChangeOp) is exported once, from the first module.`,
  ];
  for (const module of sorted) {
    const names: string[] = [];
    for (const exported of module.exports) {
      const first = firstByName.get(exported.name);
      if (first !== undefined) {
        if (first.signature !== exported.signature) {
          throw new TypeError(
            `${exported.name} is defined differently in ${first.schemaFile} and ` +
              `${exported.schemaFile}; give one of them another name`,
          );
        }
        continue;
      }
      firstByName.set(exported.name, exported);
      names.push(exported.typeOnly ? `type ${exported.name}` : exported.name);
    }
    lines.push('', `export {`, ...names.map((name) => `  ${name},`), `} from './${module.fileName}';`);
  }
  return `${lines.join('\n')}\n`;
}

/** `TypeDefChange` -> `type-def-change`. */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase();
}

/** True when `source` carries the generated-file header, so the CLI never deletes a hand-written file. */
export function isGeneratedSource(source: string): boolean {
  return source.startsWith(`${HEADER_PREFIX} `);
}

// Named types in definition order (depth first, fields in order), the top-level record first.
function collectNamedTypes(schema: JsonObject, schemaFile: string): NamedType[] {
  const found: NamedType[] = [];
  const byFullName = new Map<string, NamedType>();

  const visit = (node: unknown, enclosing: string): void => {
    if (typeof node === 'string') {
      if (!(node in PRIMITIVE_TS)) resolveReference(node, enclosing, byFullName, schemaFile);
      return;
    }
    if (Array.isArray(node)) {
      for (const branch of node) visit(branch, enclosing);
      return;
    }
    if (!isObject(node)) throw new TypeError(`${schemaFile}: not a schema: ${JSON.stringify(node)}`);
    const type = node['type'];
    if (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') {
      const named = nameOf(node, enclosing, schemaFile);
      if (byFullName.has(named.fullName)) {
        throw new TypeError(`${schemaFile}: ${named.fullName} is defined twice`);
      }
      byFullName.set(named.fullName, named);
      found.push(named);
      if (type === 'record' || type === 'error') {
        for (const field of fieldsOf(node, schemaFile)) visit(field['type'], named.namespace);
      }
      return;
    }
    if (type === 'array') return visit(node['items'], enclosing);
    if (type === 'map') return visit(node['values'], enclosing);
    // `{"type": "long", "logicalType": ...}` or a wrapped reference `{"type": "Name"}`.
    return visit(type, enclosing);
  };

  visit(schema, '');
  return found;
}

function nameOf(node: JsonObject, enclosing: string, schemaFile: string): NamedType {
  const rawName = node['name'];
  if (typeof rawName !== 'string' || rawName === '') {
    throw new TypeError(`${schemaFile}: a named type has no name`);
  }
  const rawNamespace = node['namespace'];
  const lastDot = rawName.lastIndexOf('.');
  // Avro spec "Names": a dotted name is a full name and its namespace attribute is ignored.
  const namespace =
    lastDot >= 0
      ? rawName.slice(0, lastDot)
      : typeof rawNamespace === 'string'
        ? rawNamespace
        : enclosing;
  const name = lastDot >= 0 ? rawName.slice(lastDot + 1) : rawName;
  return { fullName: namespace === '' ? name : `${namespace}.${name}`, name, namespace, schema: node };
}

function resolveReference(
  reference: string,
  enclosing: string,
  byFullName: ReadonlyMap<string, NamedType>,
  schemaFile: string,
): NamedType {
  const candidates = reference.includes('.') || enclosing === '' ? [reference] : [`${enclosing}.${reference}`, reference];
  for (const candidate of candidates) {
    const found = byFullName.get(candidate);
    if (found !== undefined) return found;
  }
  throw new TypeError(`${schemaFile}: unknown type ${reference} (a type must be defined before it is used)`);
}

function tsType(node: unknown, enclosing: string, named: readonly NamedType[], schemaFile: string): string {
  if (typeof node === 'string') {
    const primitive = PRIMITIVE_TS[node];
    if (primitive !== undefined) return primitive;
    return resolveReference(node, enclosing, indexByFullName(named), schemaFile).name;
  }
  if (Array.isArray(node)) {
    // Non-null branches first: `string | null` reads better than `null | string`.
    const branches = node.map((branch) => tsType(branch, enclosing, named, schemaFile));
    const ordered = [...branches.filter((b) => b !== 'null'), ...branches.filter((b) => b === 'null')];
    return ordered.join(' | ');
  }
  if (!isObject(node)) throw new TypeError(`${schemaFile}: not a schema: ${JSON.stringify(node)}`);
  const type = node['type'];
  if (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') {
    return nameOf(node, enclosing, schemaFile).name;
  }
  if (type === 'array') {
    const items = tsType(node['items'], enclosing, named, schemaFile);
    return items.includes(' ') ? `Array<${items}>` : `${items}[]`;
  }
  if (type === 'map') return `Record<string, ${tsType(node['values'], enclosing, named, schemaFile)}>`;
  return tsType(type, enclosing, named, schemaFile);
}

// Notes for logical types and longs anywhere in a field's type short of another named type.
function typeNotes(node: unknown): string[] {
  const keys = new Set<string>();
  const visit = (n: unknown): void => {
    if (n === 'long') keys.add('long');
    else if (Array.isArray(n)) n.forEach(visit);
    else if (isObject(n)) {
      const logical = n['logicalType'];
      if (typeof logical === 'string' && TYPE_NOTES.some(([key]) => key === logical)) keys.add(logical);
      else if (n['type'] === 'array') visit(n['items']);
      else if (n['type'] === 'map') visit(n['values']);
      else if (typeof n['type'] === 'string' || Array.isArray(n['type'])) visit(n['type']);
    }
  };
  visit(node);
  return TYPE_NOTES.filter(([key]) => keys.has(key)).map(([, note]) => note);
}

function recordBlock(type: NamedType, named: readonly NamedType[], schemaFile: string): string {
  const lines = [...jsDoc(docOf(type.schema), [`Avro record \`${type.fullName}\`.`], '')];
  lines.push(`export interface ${type.name} {`);
  for (const field of fieldsOf(type.schema, schemaFile)) {
    const notes = typeNotes(field['type']);
    if ('default' in field) notes.push(`Default: \`${JSON.stringify(field['default'])}\`.`);
    lines.push(...jsDoc(docOf(field), notes, '  '));
    lines.push(`  ${fieldName(field, schemaFile)}: ${tsType(field['type'], type.namespace, named, schemaFile)};`);
  }
  lines.push('}');
  return lines.join('\n');
}

function recordSignature(type: NamedType, named: readonly NamedType[], schemaFile: string): string {
  const fields = fieldsOf(type.schema, schemaFile).map(
    (field) => `${fieldName(field, schemaFile)}:${tsType(field['type'], type.namespace, named, schemaFile)}`,
  );
  return `record {${fields.join(';')}}`;
}

function enumBlock(type: NamedType, symbols: readonly string[]): string {
  const union = symbols.map((symbol) => `'${symbol}'`);
  const lines = [...jsDoc(docOf(type.schema), [`Avro enum \`${type.fullName}\`.`], '')];
  lines.push(`export type ${type.name} = ${union.join(' | ')};`);
  lines.push('');
  lines.push(`/** The symbols of {@link ${type.name}}, in schema order. */`);
  lines.push(`export const ${type.name}Symbols = [${union.join(', ')}] as const satisfies readonly ${type.name}[];`);
  return lines.join('\n');
}

function fixedBlock(type: NamedType, schemaFile: string): string {
  const size = type.schema['size'];
  if (typeof size !== 'number') throw new TypeError(`${schemaFile}: fixed ${type.fullName} has no size`);
  const lines = [...jsDoc(docOf(type.schema), [`Avro fixed \`${type.fullName}\` of ${size} bytes.`], '')];
  lines.push(`export type ${type.name} = Buffer;`);
  return lines.join('\n');
}

function enumSymbols(type: NamedType, schemaFile: string): string[] {
  const symbols = type.schema['symbols'];
  if (!Array.isArray(symbols) || !symbols.every((s): s is string => typeof s === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(s))) {
    throw new TypeError(`${schemaFile}: enum ${type.fullName} needs symbols matching [A-Za-z_][A-Za-z0-9_]*`);
  }
  return symbols;
}

function fieldsOf(record: JsonObject, schemaFile: string): JsonObject[] {
  const fields = record['fields'];
  if (!Array.isArray(fields) || !fields.every(isObject)) {
    throw new TypeError(`${schemaFile}: record ${String(record['name'])} needs a fields array`);
  }
  return fields;
}

function fieldName(field: JsonObject, schemaFile: string): string {
  const name = field['name'];
  // Avro names are identifiers, so they are valid TypeScript property names unquoted.
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new TypeError(`${schemaFile}: invalid field name ${JSON.stringify(name)}`);
  }
  return name;
}

function docOf(node: JsonObject): string {
  const doc = node['doc'];
  return typeof doc === 'string' ? doc : '';
}

function jsDoc(doc: string, notes: readonly string[], indent: string): string[] {
  const paragraphs = [...doc.split(/\n\s*\n/), ...notes]
    .map((p) => p.replace(/\s+/g, ' ').trim().replaceAll('*/', '*\\/'))
    .filter((p) => p !== '');
  if (paragraphs.length === 0) return [];
  const width = WRAP_AT - indent.length - 3;
  const body: string[] = [];
  paragraphs.forEach((paragraph, i) => {
    if (i > 0) body.push('');
    body.push(...wrap(paragraph, width));
  });
  if (body.length === 1 && body[0]!.length <= width - 4) return [`${indent}/** ${body[0]} */`];
  return [`${indent}/**`, ...body.map((line) => (line === '' ? `${indent} *` : `${indent} * ${line}`)), `${indent} */`];
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

function tsString(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function indexByFullName(named: readonly NamedType[]): Map<string, NamedType> {
  return new Map(named.map((type) => [type.fullName, type]));
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Code-unit order, not localeCompare: output must not depend on the machine's locale.
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
