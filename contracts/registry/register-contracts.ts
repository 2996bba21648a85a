// Registers every value schema of the topic catalog under `<topic>-value` with BACKWARD
// compatibility. Idempotent: an unchanged schema keeps its id; a changed one must pass the
// compatibility check first, so a breaking change is refused before any producer can use it.
import { allTopics, defaultTopicNames, type TopicNames } from '../topics.ts';
import { checkBackwardCompatibility } from './compatibility.ts';
import { RegistryClient } from './registry-client.ts';
import { readContractSchema } from './schema-files.ts';

export interface Registration {
  readonly subject: string;
  readonly schemaFile: string;
  readonly id: number;
}

export class IncompatibleSchemaError extends Error {
  readonly subject: string;
  readonly reasons: readonly string[];
  constructor(subject: string, reasons: readonly string[]) {
    super(`${subject}: the new schema is not BACKWARD compatible: ${reasons.join('; ')}`);
    this.name = 'IncompatibleSchemaError';
    this.subject = subject;
    this.reasons = reasons;
  }
}

export async function registerContracts(registryUrl: string, names: TopicNames = defaultTopicNames): Promise<Registration[]> {
  const registry = new RegistryClient(registryUrl);
  const registrations: Registration[] = [];
  for (const topic of allTopics(names)) {
    if (!topic.valueSubject || !topic.schemaFile) continue;
    const schema = readContractSchema(topic.schemaFile);
    // The level goes on the subject before its first version, so no version is ever unguarded.
    if ((await registry.compatibility(topic.valueSubject)) !== 'BACKWARD') {
      await registry.setCompatibility(topic.valueSubject, 'BACKWARD');
    }
    const verdict = await checkBackwardCompatibility(registryUrl, topic.valueSubject, schema);
    if (!verdict.compatible) throw new IncompatibleSchemaError(topic.valueSubject, verdict.reasons);
    const id = await registry.register(topic.valueSubject, schema);
    registrations.push({ subject: topic.valueSubject, schemaFile: topic.schemaFile, id });
  }
  return registrations;
}
