// Subscriptions over graphql-ws with a real client, fed by the gateway's Kafka consumer from
// topics of this test: events reach subscribers of their tenant only, object properties are
// redacted for viewers, governance feeds need a governance role, and tokens are enforced on
// connection_init and at their expiry.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { ActionStateChangedSchema, type ActionStateChanged } from '../../contracts/generated/action-state-changed.ts';
import { OntologyChangedSchema, type OntologyChanged } from '../../contracts/generated/ontology-changed.ts';
import { registerContracts } from '../../contracts/registry/register-contracts.ts';
import { AvroSerde, type AvroRecordSchema } from '../../contracts/serde/index.ts';
import { resolveTopicNames, subjectOf } from '../../contracts/topics.ts';
import { kafkaEventFeed } from '../../gateway/subscriptions/index.ts';
import { createLogger } from '../../runtime/logger.ts';
import { createTopic, kafka } from '../support/kafka.ts';
import { waitFor } from '../support/materializer/harness.ts';
import { kafkaBrokers, schemaRegistryUrl, uniqueName } from '../support/services.ts';
import { startGateway } from '../support/gateway/gateway-harness.ts';
import { subscribe, type Subscription } from '../support/gateway/subscription-client.ts';
import { signToken, tokenFor } from '../support/gateway/tokens.ts';
import { seedTwoTenants, TENANT_A, TENANT_B } from '../support/gateway/two-tenants.ts';

const seeded = await seedTwoTenants(t);
const suffix = uniqueName('gws').replace(/^gws\./, '');
const topics = resolveTopicNames({
  ontologyChanges: `test.${suffix}.changes`,
  actionLifecycle: `test.${suffix}.lifecycle`,
  auditEvents: `test.${suffix}.audit`,
});
for (const topic of [topics.ontologyChanges, topics.actionLifecycle, topics.auditEvents]) await createTopic(topic, 1);
await registerContracts(schemaRegistryUrl(), topics);

const serde = AvroSerde.connect(schemaRegistryUrl());
const feed = kafkaEventFeed({ brokers: kafkaBrokers(), serde, topics, logger: createLogger({ name: 'feed-test', level: 'silent' }) });
const gateway = await startGateway(
  t,
  seeded.db.gateway,
  {
    KAFKA_BROKERS: kafkaBrokers().join(','),
    SCHEMA_REGISTRY_URL: schemaRegistryUrl(),
    L3_TOPIC_ONTOLOGY_CHANGES: topics.ontologyChanges,
    L3_TOPIC_ACTION_LIFECYCLE: topics.actionLifecycle,
    L3_TOPIC_AUDIT_EVENTS: topics.auditEvents,
  },
  { eventFeed: feed },
);
await gateway.app.listen({ host: '127.0.0.1', port: 0 });
const url = `ws://127.0.0.1:${(gateway.app.server.address() as AddressInfo).port}/graphql`;
await waitFor('the subscription feed to be assigned its partitions', () => feed.assigned(), 60_000);

const producer = kafka('gateway-subscriptions-test').producer({ kafkaJS: { acks: -1 } });
await producer.connect();
t.teardown(() => producer.disconnect());

async function produce(topic: string, schema: AvroRecordSchema, value: { tenantId: string; eventId: string }, id: string, headers: Record<string, string> = {}): Promise<void> {
  await producer.send({ topic, messages: [{ key: `${value.tenantId}:${id}`, value: await serde.encode(subjectOf(topic), schema, value), headers }] });
}

function stateChanged(tenantId: string, proposalId: string): ActionStateChanged {
  return { tenantId, eventId: randomUUID(), proposalId, actionType: 'pump.restart', from: 'SIMULATED', to: 'PENDING_APPROVAL', blastRadius: 'MEDIUM', bindingHash: 'c'.repeat(64), actor: 'governance', reason: 'needs 1 approval(s)', occurredAt: Date.now() };
}

function objectChanged(tenantId: string, objectId: string, properties: Record<string, unknown>): OntologyChanged {
  return { tenantId, eventId: randomUUID(), entityKind: 'OBJECT', entityId: randomUUID(), entityType: 'Customer', op: 'UPSERT', version: 7, after: JSON.stringify({ objectType: 'Customer', objectId, properties }), link: null, sourceEventId: null, proposalId: null, occurredAt: Date.now() };
}

/**
 * Produces `make()` until `subscription` has received something: the feed's consumer starts at
 * the end of its partitions, and a record produced before it fetched its first offset is not seen.
 */
async function produceUntilReceived(subscriptions: Subscription | Subscription[], send: () => Promise<void>): Promise<void> {
  const all = Array.isArray(subscriptions) ? subscriptions : [subscriptions];
  const received = () => all.every((subscription) => subscription.received.length > 0);
  await waitFor('the subscribers to receive an event', async () => {
    if (received()) return true;
    await send();
    await new Promise((resolve) => setTimeout(resolve, 500));
    return received();
  }, 60_000, 10);
}

const PROPOSALS = 'subscription { proposalChanged { proposalId from to blastRadius bindingHash actor reason occurredAt } }';
const OBJECTS = 'subscription O($id: String) { objectChanged(type: "Customer", id: $id) { eventId type externalId op version properties redacted occurredAt } }';

t.test('a lifecycle event reaches subscribers of its tenant and never another tenant\'s', async (t) => {
  const a = subscribe(t, url, await tokenFor(TENANT_A, ['operator']), PROPOSALS);
  const b = subscribe(t, url, await tokenFor(TENANT_B, ['approver']), PROPOSALS);
  const proposalA = randomUUID();
  const proposalB = randomUUID();
  await produceUntilReceived([a, b], async () => {
    // Tenant B's subscriber must be listening too before the isolation check means anything.
    await produce(topics.actionLifecycle, ActionStateChangedSchema as unknown as AvroRecordSchema, stateChanged(TENANT_B, proposalB), proposalB);
    await produce(topics.actionLifecycle, ActionStateChangedSchema as unknown as AvroRecordSchema, stateChanged(TENANT_A, proposalA), proposalA);
  });
  t.match(a.received[0], { proposalChanged: { proposalId: proposalA, from: 'SIMULATED', to: 'PENDING_APPROVAL', blastRadius: 'MEDIUM', actor: 'governance' } });

  await produce(topics.actionLifecycle, ActionStateChangedSchema as unknown as AvroRecordSchema, stateChanged(TENANT_B, proposalB), proposalB);
  await b.until('tenant B to receive its event', () => b.received.some((data) => data.proposalChanged.proposalId === proposalB));
  t.ok(b.received.every((data) => data.proposalChanged.proposalId === proposalB), 'tenant B received only its own events');
  t.ok(a.received.every((data) => data.proposalChanged.proposalId === proposalA), 'tenant A received only its own events');
  t.notOk(a.ended || b.ended);
});

t.test('object changes are redacted for viewers and filtered by id; governance feeds need a governance role', async (t) => {
  const viewerToken = await tokenFor(TENANT_A, ['viewer']);
  const viewer = subscribe(t, url, viewerToken, OBJECTS);
  const operator = subscribe(t, url, await tokenFor(TENANT_A, ['operator']), OBJECTS, { id: 'c-001' });
  const other = subscribe(t, url, await tokenFor(TENANT_B, ['admin']), OBJECTS);
  const refused = subscribe(t, url, viewerToken, PROPOSALS);
  const properties = { name: 'Customer 1', email: 'customer1@a.example' };
  await produceUntilReceived([viewer, operator], () => produce(topics.ontologyChanges, OntologyChangedSchema as unknown as AvroRecordSchema, objectChanged(TENANT_A, 'c-001', properties), 'c-001'));
  t.match(viewer.received[0]!.objectChanged, { type: 'Customer', externalId: 'c-001', op: 'UPSERT', version: 7, properties: { name: 'Customer 1', email: null }, redacted: ['email'] });
  t.match(operator.received[0]!.objectChanged, { externalId: 'c-001', properties, redacted: [] });

  await produce(topics.ontologyChanges, OntologyChangedSchema as unknown as AvroRecordSchema, objectChanged(TENANT_A, 'c-002', { name: 'Customer 2' }), 'c-002');
  await viewer.until('the viewer to receive the second change', () => viewer.received.some((data) => data.objectChanged.externalId === 'c-002'));
  t.ok(operator.received.every((data) => data.objectChanged.externalId === 'c-001'), 'the id filter holds');
  t.same(other.received, [], "tenant B's subscriber received nothing of tenant A's");

  await refused.until('the viewer\'s proposal subscription to be refused', () => refused.ended);
  t.match(JSON.stringify(refused.errors), /needs one of the roles/);
});

t.test("each event carries the trace context of the record that brought it", async (t) => {
  const subscription = subscribe(t, url, await tokenFor(TENANT_A, ['operator']), 'subscription { objectChanged(type: "Customer") { externalId traceparent } }');
  const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const send = (objectId: string, headers: Record<string, string>) =>
    produce(topics.ontologyChanges, OntologyChangedSchema as unknown as AvroRecordSchema, objectChanged(TENANT_A, objectId, { name: objectId }), objectId, headers);
  await produceUntilReceived(subscription, () => send('traced-1', { traceparent }));
  t.same(subscription.received[0], { objectChanged: { externalId: 'traced-1', traceparent } }, "the record's traceparent header, as written");
  await send('untraced', {});
  await send('bad-trace', { traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' });
  // produceUntilReceived may have sent traced-1 more than once.
  const later = () => subscription.received.filter((data) => data.objectChanged.externalId !== 'traced-1');
  await subscription.until('both later events', () => later().length >= 2);
  t.same(later(), [
    { objectChanged: { externalId: 'untraced', traceparent: null } },
    { objectChanged: { externalId: 'bad-trace', traceparent: null } },
  ], 'no header, or an invalid one (all-zero trace id), gives null');
});

t.test('subscription documents are validated: unknown fields and too many aliases are refused', async (t) => {
  const token = await tokenFor(TENANT_A, ['operator']);
  const unknown = subscribe(t, url, token, 'subscription { proposalChanged { nope } }');
  const aliases = Array.from({ length: 25 }, (_, i) => `a${i}: proposalId`).join(' ');
  const aliased = subscribe(t, url, token, `subscription { proposalChanged { ${aliases} } }`);
  await unknown.until('the unknown field to be refused', () => unknown.ended);
  await aliased.until('the aliases to be refused', () => aliased.ended);
  t.match(JSON.stringify(unknown.errors), /nope/);
  t.match(JSON.stringify(aliased.errors), /alias/i);
});

t.test('an expired token is refused on connection_init', async (t) => {
  const expired = await signToken({ tenantId: TENANT_A, roles: ['operator'], sub: 'user:late', expiresIn: -60 });
  const subscription = subscribe(t, url, expired, PROPOSALS);
  await subscription.until('the connection to be refused', () => subscription.ended);
  t.same(subscription.received, []);
  t.ok(subscription.errors.length > 0);
});

t.test('a token that expires during the subscription ends it', async (t) => {
  const shortLived = await signToken({ tenantId: TENANT_A, roles: ['operator'], sub: 'user:brief', expiresIn: 3 });
  const subscription = subscribe(t, url, shortLived, PROPOSALS);
  const proposal = randomUUID();
  await produceUntilReceived(subscription, () => produce(topics.actionLifecycle, ActionStateChangedSchema as unknown as AvroRecordSchema, stateChanged(TENANT_A, proposal), proposal));
  t.ok(subscription.received.length > 0, 'it works while the token is valid');
  await subscription.until('the subscription to end at the token\'s expiry', () => subscription.ended, 15_000);
  t.equal(subscription.closeCode, 4401, 'closed with 4401 Unauthorized');
});
