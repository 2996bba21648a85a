// One step of the subscription measurement: `count` subscribers held at once on the gateway, and
// `events` object changes produced onto the gateway's changes topic (l3.ontology.changes.v1's
// stand-in for the run), each stamped with occurredAt = the moment it is produced. Latency per
// event per subscriber = arrival at the subscriber - occurredAt: Kafka, the gateway's feed
// consumer, its pubsub fan-out, per-subscriber filtering, execution and serialization, the
// WebSocket write and the subscriber's read. The materializer and the outbox relay are not in the
// path (they have their own benchmark); the records are those the relay publishes.
import { randomUUID } from 'node:crypto';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { OntologyChangedSchema, type OntologyChanged } from '../../contracts/generated/ontology-changed.ts';
import type { AvroRecordSchema, AvroSerde } from '../../contracts/serde/index.ts';
import { subjectOf } from '../../contracts/topics.ts';
import { percentile } from '../support/stats.ts';
import { deliveriesOf, openSubscribers, type Subscriber } from './subscribers.ts';

export interface SubscriptionStepOptions {
  readonly count: number;
  readonly events: number;
  readonly intervalMs: number;
  readonly topic: string;
  readonly producer: KafkaJS.Producer;
  readonly serde: AvroSerde;
  readonly subscriberTenant: string;
  /** Another tenant's events are produced between the subscribers' (every third event): none may arrive. */
  readonly otherTenant: string;
  readonly openSubscriber: (index: number) => Promise<Subscriber>;
  readonly progress: (line: string) => void;
}

export interface SubscriptionStep {
  readonly subscribers: number;
  /** Subscribers whose connection was still open, subscribed, at the end of the step. */
  readonly held: number;
  readonly events: number;
  /** Deliveries received of the expected subscribers x events. */
  readonly delivered: number;
  readonly expected: number;
  /** Events of the other tenant that reached a subscriber (must be 0). */
  readonly leaked: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

const OPEN_CONCURRENCY = 50;
const WARM_UP_TIMEOUT_MS = 90_000;
const DRAIN_TIMEOUT_MS = 20_000;

export async function measureSubscriptionStep(options: SubscriptionStepOptions): Promise<SubscriptionStep> {
  const { count, progress } = options;
  let index = 0;
  const opened = Date.now();
  const subscribers = await openSubscribers(count, OPEN_CONCURRENCY, () => options.openSubscriber(index++));
  try {
    progress(`${count} subscribers connected in ${((Date.now() - opened) / 1000).toFixed(1)} s`);
    // The gateway's feed starts at the end of its partitions and a subscription is live only
    // once the gateway has run its subscribe resolver: produce until every subscriber has one.
    const warmUp = Date.now();
    while (subscribers.some((s) => s.received.length === 0)) {
      if (Date.now() - warmUp > WARM_UP_TIMEOUT_MS) {
        throw new Error(`${subscribers.filter((s) => s.received.length === 0).length} of ${count} subscribers received nothing in ${WARM_UP_TIMEOUT_MS / 1000} s`);
      }
      await produceChange(options, options.subscriberTenant, 'warm-up');
      await sleep(300);
    }
    await sleep(500);
    for (const subscriber of subscribers) subscriber.received.length = 0;
    progress(`${count} subscribers live after ${((Date.now() - warmUp) / 1000).toFixed(1)} s of warm-up; producing ${options.events} events`);

    const expectedIds = new Set<string>();
    const otherIds = new Set<string>();
    for (let i = 0; i < options.events; i++) {
      if (i % 3 === 1) otherIds.add(await produceChange(options, options.otherTenant, `pump-${String(i).padStart(7, '0')}`));
      expectedIds.add(await produceChange(options, options.subscriberTenant, `pump-${String(i).padStart(7, '0')}`));
      await sleep(options.intervalMs);
    }
    const drainStart = Date.now();
    while (subscribers.some((s) => s.received.length < options.events) && Date.now() - drainStart < DRAIN_TIMEOUT_MS) await sleep(50);

    const latencies: number[] = [];
    let leaked = 0;
    for (const subscriber of subscribers) {
      for (const delivery of deliveriesOf(subscriber)) {
        if (otherIds.has(delivery.eventId)) leaked++;
        else if (expectedIds.has(delivery.eventId)) latencies.push(delivery.latencyMs);
      }
    }
    const held = subscribers.filter((s) => s.closed === undefined && s.errors.length === 0).length;
    return {
      subscribers: count,
      held,
      events: options.events,
      delivered: latencies.length,
      expected: count * options.events,
      leaked,
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      p99Ms: percentile(latencies, 99),
      maxMs: latencies.reduce((max, value) => Math.max(max, value), 0),
    };
  } finally {
    for (const subscriber of subscribers) subscriber.close();
    await sleep(500);
  }
}

/** Produces one Pump UPSERT of `tenantId`, occurredAt = now; returns its event id. */
async function produceChange(options: SubscriptionStepOptions, tenantId: string, externalId: string): Promise<string> {
  const eventId = randomUUID();
  const change: OntologyChanged = {
    tenantId,
    eventId,
    entityKind: 'OBJECT',
    entityId: randomUUID(),
    entityType: 'Pump',
    op: 'UPSERT',
    version: 2,
    after: JSON.stringify({ objectType: 'Pump', objectId: externalId, properties: { serialNumber: `SN-${externalId}`, status: 'maintenance', ratedFlowLps: 42 } }),
    link: null,
    sourceEventId: null,
    proposalId: null,
    occurredAt: Date.now(),
  };
  const value = await options.serde.encode(subjectOf(options.topic), OntologyChangedSchema as unknown as AvroRecordSchema, change);
  await options.producer.send({ topic: options.topic, messages: [{ key: `${tenantId}:${externalId}`, value }] });
  return eventId;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
