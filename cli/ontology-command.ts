// `l3 ontology validate <file>` | `l3 ontology publish <file> [--actor name]`: ontology as code.
// Both check the whole file first and list every problem as `file:line: path: message`; publish
// then puts one TypeDefChange per definition on the typedefs topic.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseOntology } from '../ontology/parse-ontology.ts';
import { toTypeDefChanges } from '../ontology/to-typedef-changes.ts';
import { validateOntology } from '../ontology/validate-ontology.ts';
import type { OntologyFile } from '../ontology/ontology-file.ts';
import { SerdeError } from '../contracts/serde/index.ts';
import { CliError } from './cli-error.ts';
import { loadCliConfig } from './config.ts';

const USAGE = 'usage: l3 ontology validate <file> | l3 ontology publish <file> [--actor name]';
const DEFAULT_ACTOR = 'ontology-cli';

export async function ontologyCommand(args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  switch (verb) {
    case 'validate': {
      const { file } = parseCommandLine(rest, false);
      const ontology = checkedOntology(file);
      console.log(`${file}: valid: ${summary(ontology)}`);
      return 0;
    }
    case 'publish': {
      const { file, actor } = parseCommandLine(rest, true);
      const ontology = checkedOntology(file);
      const config = loadCliConfig();
      const changes = toTypeDefChanges(ontology, { actor, occurredAt: Date.now() });
      // Imported here: validating must not need the native Kafka client.
      const { publishOntology } = await import('../ontology/publish.ts');
      let published;
      try {
        published = await publishOntology({ brokers: config.kafkaBrokers, registryUrl: config.schemaRegistryUrl, changes });
      } catch (error) {
        if (error instanceof SerdeError && error.code === 'SCHEMA_NOT_REGISTERED') {
          throw new CliError('REGISTRY', `${error.message}: run bin/l3 contracts register`, { cause: error });
        }
        if (error instanceof SerdeError) throw new CliError('REGISTRY', `nothing was published: ${error.message}`, { cause: error });
        // Part of the file may be on the topic; running publish again is safe (same eventIds and versions).
        throw new CliError('KAFKA', `publishing to ${config.kafkaBrokers.join(',')} failed: ${(error as Error).message}; publishing the file again is safe`, { cause: error });
      }
      for (const change of published) console.log(`${change.kind.padEnd(11)} ${change.name.padEnd(32)} v${change.version}  eventId=${change.eventId}`);
      console.log(`${file}: published ${published.length} definition(s) for tenant ${ontology.tenant.name} (${ontology.tenant.id}) as ${actor}`);
      return 0;
    }
    default:
      throw new CliError('USAGE', verb === undefined ? USAGE : `unknown ontology verb "${verb}"; ${USAGE}`);
  }
}

function parseCommandLine(args: string[], withActor: boolean): { file: string; actor: string } {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: withActor ? { actor: { type: 'string' } } : {} });
  } catch (error) {
    throw new CliError('USAGE', `${(error as Error).message}\n${USAGE}`);
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || extra.length > 0) throw new CliError('USAGE', USAGE);
  const actor = parsed.values.actor;
  if (typeof actor === 'string' && actor.trim() === '') throw new CliError('USAGE', '--actor must not be empty');
  return { file, actor: typeof actor === 'string' ? actor : DEFAULT_ACTOR };
}

/** The file's ontology, or a CliError listing every problem with its line and path. */
function checkedOntology(file: string): OntologyFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError('USAGE', `cannot read ${file}: ${(error as Error).message}`);
  }
  const parsed = parseOntology(text);
  const errors = parsed.errors.length > 0 && parsed.value === undefined ? parsed.errors : [...parsed.errors, ...validateOntology(parsed.value)];
  if (errors.length > 0) {
    const lines = errors
      .map((error) => ({ ...error, line: error.line ?? parsed.lineOf(error.path) }))
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
      .map((error) => `  ${file}${error.line === undefined ? '' : `:${error.line}`}: ${error.path === '' ? '' : `${error.path}: `}${error.message}`);
    throw new CliError('ONTOLOGY_INVALID', `${file} is not a valid ontology: ${errors.length} error(s)\n${lines.join('\n')}`);
  }
  return parsed.value as OntologyFile;
}

function summary(ontology: OntologyFile): string {
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  return [
    `tenant ${ontology.tenant.name} (${ontology.tenant.id}) version ${ontology.version}:`,
    `${count(Object.keys(ontology.objectTypes).length, 'object type')},`,
    `${count(Object.keys(ontology.linkTypes ?? {}).length, 'link type')},`,
    count((ontology.tools ?? []).length, 'tool'),
  ].join(' ');
}
