// Writes contracts/generated/ from contracts/avro/*.avsc; with --check writes nothing and exits 1
// when the committed files drifted from the schemas (CI runs that, see contracts/README.md).
//
//   node contracts/codegen/cli.ts [--check]
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateIndex, generateModule, isGeneratedSource } from './generate-types.ts';
import type { GeneratedModule } from './generate-types.ts';

export interface CodegenOptions {
  /** The contracts/ folder, holding avro/ and generated/. */
  readonly contractsDir?: string;
  /** Compare instead of writing. */
  readonly check?: boolean;
}

export interface Drift {
  /** Path relative to the repository root, e.g. `contracts/generated/object-change.ts`. */
  readonly file: string;
  /** missing: should exist; differs: content is stale; orphaned: generated from a schema that is gone. */
  readonly problem: 'missing' | 'differs' | 'orphaned';
}

export interface CodegenReport {
  /** Files whose committed content is not what the schemas generate (before writing, if not --check). */
  readonly drift: readonly Drift[];
  /** Files written or deleted; always empty with --check. */
  readonly changed: readonly string[];
}

const DEFAULT_CONTRACTS_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Generates every file in memory, then compares it with the disk and (unless check) syncs it. */
export async function runCodegen(options: CodegenOptions = {}): Promise<CodegenReport> {
  const contractsDir = options.contractsDir ?? DEFAULT_CONTRACTS_DIR;
  const avroDir = join(contractsDir, 'avro');
  const generatedDir = join(contractsDir, 'generated');
  const shown = (path: string): string => join('contracts', relative(contractsDir, path));

  const schemaFiles = (await readdir(avroDir)).filter((f) => f.endsWith('.avsc')).sort(compare);
  const modules: GeneratedModule[] = [];
  for (const schemaFile of schemaFiles) {
    const text = await readFile(join(avroDir, schemaFile), 'utf8');
    let schema: unknown;
    try {
      schema = JSON.parse(text);
    } catch (cause) {
      throw new SyntaxError(`contracts/avro/${schemaFile} is not valid JSON`, { cause });
    }
    modules.push(generateModule(schema, schemaFile));
  }

  const wanted = new Map<string, string>();
  for (const module of modules) {
    const path = join(generatedDir, module.fileName);
    if (wanted.has(path)) throw new Error(`two schemas generate ${shown(path)}; record names must be unique`);
    wanted.set(path, module.source);
  }
  wanted.set(join(generatedDir, 'index.ts'), generateIndex(modules));

  const drift: Drift[] = [];
  const pathOf = new Map<Drift, string>();
  const report = (path: string, problem: Drift['problem']): void => {
    const entry = { file: shown(path), problem };
    drift.push(entry);
    pathOf.set(entry, path);
  };
  for (const [path, source] of [...wanted].sort(([a], [b]) => compare(a, b))) {
    const current = await readIfExists(path);
    if (current === undefined) report(path, 'missing');
    else if (current !== source) report(path, 'differs');
  }
  const present = (await readdir(generatedDir).catch(() => [] as string[])).filter((f) => f.endsWith('.ts')).sort(compare);
  for (const file of present) {
    const path = join(generatedDir, file);
    if (wanted.has(path)) continue;
    // Only files the generator wrote are ours to report or remove.
    if (isGeneratedSource((await readIfExists(path)) ?? '')) report(path, 'orphaned');
  }

  if (options.check === true) return { drift, changed: [] };

  const changed: string[] = [];
  await mkdir(generatedDir, { recursive: true });
  for (const entry of drift) {
    const path = pathOf.get(entry) ?? '';
    if (entry.problem === 'orphaned') await rm(path);
    else await writeFile(path, wanted.get(path) ?? '', 'utf8');
    changed.push(entry.file);
  }
  return { drift, changed };
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { check: { type: 'boolean', default: false } } });
  const report = await runCodegen({ check: values.check });
  if (values.check) {
    for (const { file, problem } of report.drift) console.error(`${problem}: ${file}`);
    if (report.drift.length > 0) {
      console.error('contracts/generated is out of date: run `node contracts/codegen/cli.ts`');
      process.exitCode = 1;
    }
    return;
  }
  for (const file of report.changed) console.log(`updated ${file}`);
  if (report.changed.length === 0) console.log('contracts/generated is up to date');
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  });
}
