// `l3 contracts codegen [--check] | register | compat <schema.avsc> [subject] | topics`
import { basename } from 'node:path';
import { runCodegen } from '../contracts/codegen/cli.ts';
import { checkBackwardCompatibility } from '../contracts/registry/compatibility.ts';
import { IncompatibleSchemaError, registerContracts } from '../contracts/registry/register-contracts.ts';
import { readSchemaFile } from '../contracts/registry/schema-files.ts';
import { defaultTopicNames, subjectOf, topicCatalog, topicKeys } from '../contracts/topics.ts';
import { CliError } from './cli-error.ts';
import { loadCliConfig } from './config.ts';
import { createTopics } from './create-topics.ts';

export async function contractsCommand(args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  switch (verb) {
    case 'codegen': {
      const check = rest.includes('--check');
      const report = await runCodegen({ check });
      if (check && report.drift.length > 0) {
        throw new CliError('GENERATED_DRIFT', `generated types are out of date; run bin/l3 contracts codegen:\n${report.drift.map((d) => `  ${d.file}: ${d.problem}`).join('\n')}`);
      }
      console.log(check ? 'generated types are in sync' : `generated types: ${report.changed.length} file(s) written`);
      return 0;
    }
    case 'register': {
      const config = loadCliConfig();
      try {
        for (const r of await registerContracts(config.schemaRegistryUrl)) console.log(`${r.subject.padEnd(40)} id=${r.id}  (${r.schemaFile})`);
      } catch (error) {
        if (error instanceof IncompatibleSchemaError) throw new CliError('INCOMPATIBLE_SCHEMA', error.message);
        throw error;
      }
      return 0;
    }
    case 'compat': {
      const [file, subjectArg] = rest;
      if (!file) throw new CliError('USAGE', 'usage: l3 contracts compat <schema.avsc> [subject]');
      const subject = subjectArg ?? subjectForSchemaFile(basename(file));
      const verdict = await checkBackwardCompatibility(loadCliConfig().schemaRegistryUrl, subject, readSchemaFile(file));
      if (!verdict.compatible) {
        throw new CliError('INCOMPATIBLE_SCHEMA', `${subject}: ${file} is not BACKWARD compatible with the registered schema: ${verdict.reasons.join('; ')}`);
      }
      console.log(`${subject}: compatible${verdict.hadPreviousVersion ? '' : ' (no version registered yet)'}`);
      return 0;
    }
    case 'topics': {
      const config = loadCliConfig();
      for (const t of await createTopics([...config.kafkaBrokers], { replicationFactor: config.topicReplicationFactor })) {
        console.log(`${t.name.padEnd(40)} partitions=${t.partitions}${t.created ? '  (created)' : ''}`);
      }
      return 0;
    }
    default:
      throw new CliError('USAGE', `unknown contracts verb "${verb ?? ''}"; use codegen, register, compat or topics`);
  }
}

/** `ObjectChange.avsc` -> `l2.ontology.objects.v1-value`, from the catalog. */
function subjectForSchemaFile(file: string): string {
  const key = topicKeys.find((k) => topicCatalog[k].schemaFile === file);
  if (!key) throw new CliError('USAGE', `${file} is not the value schema of any catalog topic; name the subject explicitly`);
  return subjectOf(defaultTopicNames[key]);
}
