// End to end through the real pipeline: an L2 object event produced on Kafka is materialized by
// the materializer (a child process), relayed to the changes topic by its outbox relay, and then
// appears both in a GraphQL query and in a graphql-ws subscription of the gateway; a subscriber of
// another tenant receives nothing.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { ObjectChangeSchema, type ObjectChange } from '../../contracts/generated/object-change.ts';
import { TypeDefChangeSchema, type TypeDefChange } from '../../contracts/generated/type-def-change.ts';
import { AvroSerde } from '../../contracts/serde/index.ts';
import { kafkaEventFeed } from '../../gateway/subscriptions/index.ts';
import { kafkaKey, objectEntityId } from '../../processors/materializer/entity-keys.ts';
import { createLogger } from '../../runtime/logger.ts';
import { startGateway } from '../support/gateway/gateway-harness.ts';
import { subscribe } from '../support/gateway/subscription-client.ts';
import { tokenFor } from '../support/gateway/tokens.ts';
import { createMaterializerEnvironment, MaterializerProcess, produceRaw, waitFor } from '../support/materializer/harness.ts';
import { generateWorkload, workloadKey } from '../support/materializer/workload.ts';
import { kafkaBrokers, schemaRegistryUrl } from '../support/services.ts';

const tenant = randomUUID();
const other = randomUUID();
const env = await createMaterializerEnvironment(t, 2);
const materializer = MaterializerProcess.start(env, 'e2e');
t.teardown(() => materializer.kill('SIGKILL'));
const serde = AvroSerde.connect(schemaRegistryUrl());

// The workload's ontology (Site, Pump, Sensor) for both tenants, through the typedefs topic.
const typedefs = generateWorkload({ seed: 11, tenants: [tenant, other], events: 0 }).filter((e) => e.topic === 'typedefs');
await produceRaw(
  env.topics.typedefs,
  await Promise.all(typedefs.map(async (e) => ({ key: workloadKey(e), value: await serde.encode(`${env.topics.typedefs}-value`, TypeDefChangeSchema, e.value as TypeDefChange) }))),
);

const feed = kafkaEventFeed({ brokers: kafkaBrokers(), serde, topics: env.topics, logger: createLogger({ name: 'e2e-feed', level: 'silent' }) });
const gateway = await startGateway(
  t,
  env.db.gateway,
  { KAFKA_BROKERS: kafkaBrokers().join(','), SCHEMA_REGISTRY_URL: schemaRegistryUrl(), L3_TOPIC_ONTOLOGY_CHANGES: env.topics.ontologyChanges },
  { eventFeed: feed },
);
await gateway.app.listen({ host: '127.0.0.1', port: 0 });
const url = `ws://127.0.0.1:${(gateway.app.server.address() as AddressInfo).port}/graphql`;
await waitFor('the subscription feed to be assigned its partitions', () => feed.assigned(), 60_000);
const token = await tokenFor(tenant, ['operator']);

/** Produces an L2 upsert of a Site of `tenantId` (what a CDC pipeline would send). */
async function produceSite(tenantId: string, id: string, sourceVersion: number): Promise<void> {
  const event: ObjectChange = {
    tenantId,
    eventId: randomUUID(),
    op: 'UPSERT',
    objectType: 'Site',
    objectId: id,
    properties: JSON.stringify({ name: `Plant ${id}`, region: 'eu-west', openedOn: '2021-04-01', tags: ['remote'] }),
    embedding: null,
    sourceVersion,
    occurredAt: Date.now(),
  };
  await produceRaw(env.topics.objects, [
    { key: kafkaKey(tenantId, objectEntityId('Site', id)), value: await serde.encode(`${env.topics.objects}-value`, ObjectChangeSchema, event), headers: { traceparent: '00-11112222333344445555666677778888-1111222233334444-01' } },
  ]);
}

t.test('an L2 event appears in a query and in a subscription, for its tenant only', async (t) => {
  // objectChanged(type:) refuses a type the tenant does not have yet (NOT_FOUND): wait until the
  // materializer has applied both tenants' ontology.
  for (const [who, tokenOf] of [['tenant', token], ['other tenant', await tokenFor(other, ['admin'])]] as const) {
    await waitFor(`the ${who}'s ontology to be materialized`, async () => {
      const types = await gateway.query(tokenOf, '{ objectTypes { name } }');
      return (types.body.data?.objectTypes ?? []).some((type: { name: string }) => type.name === 'Site');
    }, 120_000, 250);
  }
  const sites = subscribe(t, url, token, 'subscription { objectChanged(type: "Site") { externalId op version properties traceparent } }');
  const outsider = subscribe(t, url, await tokenFor(other, ['admin']), 'subscription { objectChanged(type: "Site") { externalId } }');
  // The materializer applies the ontology first; the feed reads from the end of its topic. Warm
  // up until the pipeline delivers, then send the event the test is about.
  let warmups = 0;
  await waitFor('the pipeline to deliver a first change', async () => {
    if (sites.received.length > 0) return true;
    await produceSite(tenant, `warmup-${warmups++}`, 1);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return sites.received.length > 0;
  }, 180_000, 10);

  await produceSite(tenant, 'site-e2e', 42);
  await sites.until('the change of site-e2e', () => sites.received.some((d) => d.objectChanged.externalId === 'site-e2e'), 120_000);
  const pushed = sites.received.find((d) => d.objectChanged.externalId === 'site-e2e')!.objectChanged;
  t.match(pushed, { op: 'UPSERT', version: 1, properties: { name: 'Plant site-e2e', region: 'eu-west' } }, 'pushed with its properties');
  t.match(pushed.traceparent, /^00-11112222333344445555666677778888-[0-9a-f]{16}-01$/, "the L2 event's trace continues to the subscriber");

  const read = await gateway.query(token, 'query { object(type: "Site", id: "site-e2e") { externalId version properties } }');
  t.same(read.codes, []);
  t.match(read.body.data!.object, { externalId: 'site-e2e', version: 1, properties: { name: 'Plant site-e2e', openedOn: '2021-04-01' } }, 'and readable by query');

  const hidden = await gateway.query(await tokenFor(other, ['admin']), 'query { object(type: "Site", id: "site-e2e") { externalId } }');
  t.equal(hidden.body.data?.object ?? null, null, 'not readable by the other tenant');
  t.same(outsider.received, [], "the other tenant's subscriber received none of it");
  t.notOk(outsider.ended, 'while subscribed all along (not refused)');
});
