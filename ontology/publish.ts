// Puts TypeDefChange records on the typedefs topic: Avro in the Confluent wire format, key
// `tenantId` (contracts/topics.ts), a W3C traceparent header, an idempotent producer (a
// retried send cannot duplicate or reorder a record) and acks from every in-sync replica.
import { randomBytes } from 'node:crypto';
import { KafkaJS } from '@confluentinc/kafka-javascript';
import { TypeDefChangeSchema } from '../contracts/generated/type-def-change.ts';
import type { TypeDefChange, TypeDefKind } from '../contracts/generated/type-def-change.ts';
import { AvroSerde } from '../contracts/serde/index.ts';
import { defaultTopicNames, subjectOf } from '../contracts/topics.ts';

export interface PublishOntologyOptions {
  readonly brokers: readonly string[];
  readonly registryUrl: string;
  /** In dependency order, as toTypeDefChanges returns them. */
  readonly changes: readonly TypeDefChange[];
  /** Defaults to the catalog's typedefs topic. */
  readonly topic?: string;
}

export interface PublishedChange {
  readonly key: string;
  readonly eventId: string;
  readonly kind: TypeDefKind;
  readonly name: string;
  readonly version: number;
}

/**
 * The record key: the tenant alone (contracts/topics.ts), so all of a tenant's definitions stay in
 * publication order on one partition: a link type must not overtake the object types it names.
 */
export function typeDefKeyOf(change: Pick<TypeDefChange, 'tenantId'>): string {
  return change.tenantId;
}

// The order the materializer needs: a link type's endpoint types must be defined before it, and
// the same holds for the object types a tool's effects name.
const PHASES: readonly TypeDefKind[] = ['OBJECT_TYPE', 'LINK_TYPE', 'TOOL'];

/**
 * Publishes the changes and resolves once every record is acknowledged. Kinds go out one after the
 * other, each awaited: different definitions hash to different partitions, so only waiting for the
 * object types to be in the log before sending link types keeps a link type from being written
 * before the types it connects.
 */
export async function publishOntology(options: PublishOntologyOptions): Promise<PublishedChange[]> {
  const topic = options.topic ?? defaultTopicNames.typedefs;
  const subject = subjectOf(topic);
  const serde = AvroSerde.connect(options.registryUrl);
  // Encode everything first: a value the registry refuses must stop the publication before any
  // record of it is on the topic.
  const encoded = await Promise.all(options.changes.map(async (change) => ({ change, value: await serde.encode(subject, TypeDefChangeSchema, change) })));

  const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers: [...options.brokers], clientId: 'l3-ontology-cli', logLevel: KafkaJS.logLevel.ERROR } });
  const producer = kafka.producer({ kafkaJS: { idempotent: true, acks: -1 } });
  await producer.connect();
  try {
    // One trace for the publication, one span per record.
    const traceId = randomBytes(16).toString('hex');
    const published: PublishedChange[] = [];
    for (const phase of PHASES) {
      const batch = encoded.filter(({ change }) => change.kind === phase);
      if (batch.length === 0) continue;
      // Resolves on the delivery reports (per partition, not per record) of the whole batch.
      await producer.send({
        topic,
        messages: batch.map(({ change, value }) => ({
          key: typeDefKeyOf(change),
          value,
          headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
        })),
      });
      for (const { change } of batch) {
        published.push({ key: typeDefKeyOf(change), eventId: change.eventId, kind: change.kind, name: change.name, version: change.version });
      }
    }
    return published;
  } finally {
    await producer.disconnect();
  }
}
