// Feeds subscriptions: one Kafka consumer per gateway instance reads l3.ontology.changes.v1,
// l3.actions.lifecycle.v1 and l3.audit.events.v1 from their end (a consumer group of its own,
// `l3-gateway-<random>`, never committed: every instance must see every event, and a restarted
// one has no subscribers waiting for the past), decodes each record with the serde and publishes
// it to Mercurius' pubsub under a topic of the event's tenant (tenantTopic), so an event wakes
// only the subscriptions of its tenant: with many tenants on one gateway, fan-out cost follows
// the subscribers who may receive the event, not all of them. Authorization still happens per
// subscriber (subscription-resolvers.ts). The record's W3C trace context (its `traceparent`
// header, written by the processor that made the change) travels with the event to subscribers
// and into the feed's log lines.
import { randomUUID } from 'node:crypto';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { ActionStateChangedSchema } from '../../contracts/generated/action-state-changed.ts';
import { AuditEventAppendedSchema } from '../../contracts/generated/audit-event-appended.ts';
import { OntologyChangedSchema } from '../../contracts/generated/ontology-changed.ts';
import type { AvroSerde, AvroRecordSchema } from '../../contracts/serde/index.ts';
import type { TopicNames } from '../../contracts/topics.ts';
import type { Logger } from '../../runtime/logger.ts';
import { formatTraceparent, traceparentFromHeaders, type KafkaHeaders } from '../../runtime/trace-context.ts';

/** Pubsub topics (in-process). */
export const FEED_TOPICS = {
  objectChanged: 'l3.gateway.objectChanged',
  proposalChanged: 'l3.gateway.proposalChanged',
  auditAppended: 'l3.gateway.auditAppended',
} as const;

/** The pubsub topic of `feedTopic`'s events of one tenant (mqemitter topic; a UUID holds no separator or wildcard). */
export function tenantTopic(feedTopic: string, tenantId: string): string {
  return `${feedTopic}.${tenantId}`;
}

export interface Publisher {
  publish(event: { topic: string; payload: unknown }, callback?: () => void): void;
}

export interface EventFeed {
  start(publisher: Publisher): Promise<void>;
  /** Whether the consumer holds partitions of every topic (tests wait for it before producing). */
  assigned(): boolean;
  close(): Promise<void>;
}

export interface EventFeedOptions {
  readonly brokers: readonly string[];
  readonly serde: AvroSerde;
  readonly topics: Pick<TopicNames, 'ontologyChanges' | 'actionLifecycle' | 'auditEvents'>;
  readonly logger: Logger;
}

export function kafkaEventFeed(options: EventFeedOptions): EventFeed {
  const routes = new Map<string, { schema: AvroRecordSchema; pubsubTopic: string }>([
    [options.topics.ontologyChanges, { schema: OntologyChangedSchema as unknown as AvroRecordSchema, pubsubTopic: FEED_TOPICS.objectChanged }],
    [options.topics.actionLifecycle, { schema: ActionStateChangedSchema as unknown as AvroRecordSchema, pubsubTopic: FEED_TOPICS.proposalChanged }],
    [options.topics.auditEvents, { schema: AuditEventAppendedSchema as unknown as AvroRecordSchema, pubsubTopic: FEED_TOPICS.auditAppended }],
  ]);
  let consumer: KafkaJS.Consumer | undefined;
  return {
    async start(publisher) {
      const { KafkaJS } = await import('@confluentinc/kafka-javascript');
      const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers: [...options.brokers], clientId: 'l3-gateway-feed', logLevel: KafkaJS.logLevel.ERROR } });
      consumer = kafka.consumer({ kafkaJS: { groupId: `l3-gateway-${randomUUID()}`, fromBeginning: false, autoCommit: false } });
      await consumer.connect();
      await consumer.subscribe({ topics: [...routes.keys()] });
      await consumer.run({
        eachMessage: async ({ topic, partition, message }) => {
          const route = routes.get(topic);
          if (route === undefined) return;
          try {
            const { value } = await options.serde.decode<Record<string, unknown>>(message.value, route.schema);
            if (typeof value.tenantId !== 'string') throw new Error('the record has no tenantId');
            const trace = traceparentFromHeaders(message.headers as KafkaHeaders | undefined);
            const traceparent = trace === undefined ? null : formatTraceparent(trace);
            options.logger.debug({ topic, partition, offset: message.offset, eventId: value.eventId, traceparent }, 'subscription feed: event');
            publisher.publish({ topic: tenantTopic(route.pubsubTopic, value.tenantId), payload: { ...value, traceparent } });
          } catch (error) {
            // A record that cannot be decoded is skipped: the feed is best effort, Postgres is the truth.
            options.logger.warn({ err: error, topic, partition, offset: message.offset }, 'subscription feed: record skipped');
          }
        },
      });
    },
    assigned() {
      const topics = new Set((consumer?.assignment() ?? []).map((tp) => tp.topic));
      return [...routes.keys()].every((topic) => topics.has(topic));
    },
    async close() {
      const running = consumer;
      consumer = undefined;
      await running?.disconnect().catch((error: unknown) => options.logger.warn({ err: error }, 'subscription feed: disconnect failed'));
    },
  };
}
