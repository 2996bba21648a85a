// The tenant lock of the materializer's batches (ADR 0009), with the batch handler itself on real
// Postgres and the registry: batches of objects alone share a tenant, so two of them run at once;
// a batch with links waits for them; and two object batches that each create one endpoint of the
// same pending link still promote it (the second waits for the first at the promotion step).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import t, { type Test } from 'tap';
import { LinkChangeSchema, type LinkChange } from '../../contracts/generated/link-change.ts';
import { ObjectChangeSchema, type ObjectChange } from '../../contracts/generated/object-change.ts';
import { TypeDefChangeSchema } from '../../contracts/generated/type-def-change.ts';
import { AvroSerde } from '../../contracts/serde/index.ts';
import { createMaterializeBatch } from '../../processors/materializer/materialize-batch.ts';
import type { ConsumedRecord } from '../../runtime/kafka/consumed-record.ts';
import type { BatchHandler } from '../../runtime/kafka/transactional-consumer.ts';
import { createProcessorMetrics } from '../../runtime/metrics.ts';
import { createMaterializerEnvironment, type MaterializerEnvironment } from '../support/materializer/harness.ts';
import { generateWorkload } from '../support/materializer/workload.ts';
import { connect, inTransaction } from '../support/database.ts';
import { schemaRegistryUrl } from '../support/services.ts';
import { waitFor } from '../support/wait-for.ts';

interface Fixture {
  readonly env: MaterializerEnvironment;
  readonly pool: pg.Pool;
  readonly admin: pg.Client;
  readonly handler: BatchHandler;
  readonly tenantId: string;
  readonly record: (topic: 'objects' | 'links', value: ObjectChange | LinkChange) => Promise<ConsumedRecord>;
}

let offset = 0;

async function fixture(t: Test): Promise<Fixture> {
  const env = await createMaterializerEnvironment(t, 1);
  const serde = AvroSerde.connect(schemaRegistryUrl());
  const pool = new pg.Pool({ connectionString: env.db.processor, max: 4 });
  t.teardown(() => pool.end());
  const admin = await connect(t, env.db.admin);
  const handler = createMaterializeBatch({ serde, topics: env.topics, changesTopic: env.topics.ontologyChanges, metrics: createProcessorMetrics('materializer') });
  const tenantId = randomUUID();
  const consumed = (topic: string, value: Buffer): ConsumedRecord => ({ topic, partition: 0, offset: offset++, key: null, value, headers: [], timestamp: Date.now() });
  const typedefs = generateWorkload({ seed: 1, tenants: [tenantId], events: 0 }).flatMap((event) => (event.topic === 'typedefs' ? [event.value] : []));
  const typedefRecords = await Promise.all(typedefs.map(async (value) => consumed(env.topics.typedefs, await serde.encode(`${env.topics.typedefs}-value`, TypeDefChangeSchema, value))));
  await inTransaction(pool, (tx) => handler(tx, typedefRecords));
  const record = async (topic: 'objects' | 'links', value: ObjectChange | LinkChange) =>
    topic === 'objects'
      ? consumed(env.topics.objects, await serde.encode(`${env.topics.objects}-value`, ObjectChangeSchema, value as ObjectChange))
      : consumed(env.topics.links, await serde.encode(`${env.topics.links}-value`, LinkChangeSchema, value as LinkChange));
  return { env, pool, admin, handler, tenantId, record };
}

/** A batch transaction left open after its handler ran, to be committed by the test. */
async function openBatch(f: Fixture, records: readonly ConsumedRecord[]): Promise<{ done: Promise<unknown>; commit: () => Promise<void> }> {
  const tx = await f.pool.connect();
  await tx.query('BEGIN');
  const done = f.handler(tx, records);
  done.catch(() => {});
  return {
    done,
    commit: async () => {
      try {
        await done;
        await tx.query('COMMIT');
      } finally {
        tx.release();
      }
    },
  };
}

const site = (f: Fixture, id: string): ObjectChange => objectChange(f, 'Site', id, { name: `Plant ${id}` });
const pump = (f: Fixture, id: string): ObjectChange => objectChange(f, 'Pump', id, { serial: `SN-${id}` });

function objectChange(f: Fixture, objectType: string, objectId: string, properties: Record<string, unknown>): ObjectChange {
  return { tenantId: f.tenantId, eventId: randomUUID(), op: 'UPSERT', objectType, objectId, properties: JSON.stringify(properties), embedding: null, sourceVersion: 1, occurredAt: Date.now() };
}

function installedAt(f: Fixture, pumpId: string, siteId: string): LinkChange {
  return {
    tenantId: f.tenantId,
    eventId: randomUUID(),
    op: 'UPSERT',
    linkType: 'installedAt',
    from: { objectType: 'Pump', objectId: pumpId },
    to: { objectType: 'Site', objectId: siteId },
    properties: null,
    sourceVersion: 1,
    occurredAt: Date.now(),
  };
}

/**
 * Waits until `batch` has applied or is waiting on an advisory lock whose key starts with
 * `lockPrefix` (`l3.materialize:` or `l3.promote:`); true when it waits.
 */
async function waitsOnLock(f: Fixture, batch: { done: Promise<unknown> }, lockPrefix: string): Promise<boolean> {
  let applied = false;
  void batch.done.then(() => (applied = true));
  let waiting = false;
  await waitFor(`the batch to apply or to wait on the ${lockPrefix} lock`, async () => {
    const { rows } = await f.admin.query<{ query: string }>(
      "SELECT query FROM pg_stat_activity WHERE datname = current_database() AND usename = 'l3_processor' AND wait_event_type = 'Lock' AND wait_event = 'advisory'",
    );
    waiting = rows.some((row) => row.query.includes(`'${lockPrefix}'`));
    return waiting || applied;
  });
  return waiting;
}

async function linkState(f: Fixture): Promise<{ live: number; pending: number }> {
  const { rows } = await f.admin.query<{ live: string; pending: string }>('SELECT (SELECT count(*) FROM links) AS live, (SELECT count(*) FROM pending_links) AS pending');
  return { live: Number(rows[0]!.live), pending: Number(rows[0]!.pending) };
}

t.test('two object batches of one tenant run at once; a link batch waits for them', async (t) => {
  const f = await fixture(t);
  const first = await openBatch(f, [await f.record('objects', site(f, 's-1'))]);
  await first.done;
  // The first batch holds its tenant lock (open transaction) and the second still completes.
  const second = await openBatch(f, [await f.record('objects', site(f, 's-2'))]);
  let secondApplied = false;
  void second.done.then(() => (secondApplied = true));
  await waitFor('the second object batch to apply while the first holds the tenant lock', () => secondApplied);
  t.pass('the second object batch applied while the first held the tenant lock');

  const links = await openBatch(f, [await f.record('links', installedAt(f, 'p-1', 's-1'))]);
  t.ok(await waitsOnLock(f, links, 'l3.materialize:'), 'the link batch waits for the object batches in flight');
  await first.commit();
  await second.commit();
  await links.commit();
  t.same(await linkState(f), { live: 0, pending: 1 }, 'the link applied after both, pending (its Pump does not exist)');
});

t.test('two object batches that create the two endpoints of a pending link promote it', async (t) => {
  const f = await fixture(t);
  await inTransaction(f.pool, async (tx) => f.handler(tx, [await f.record('links', installedAt(f, 'p-1', 's-1'))]));
  t.same(await linkState(f), { live: 0, pending: 1 }, 'the link waits for both endpoints');

  const pumps = await openBatch(f, [await f.record('objects', pump(f, 'p-1'))]);
  await pumps.done;
  const sites = await openBatch(f, [await f.record('objects', site(f, 's-1'))]);
  // Without the promotion lock the Site batch would promote nothing (it cannot see p-1, which
  // is not committed) and, after both commits, the link would stay pending for good.
  t.ok(await waitsOnLock(f, sites, 'l3.promote:'), 'the Site batch waits for the Pump batch at the promotion step');
  await pumps.commit();
  await sites.commit();
  t.same(await linkState(f), { live: 1, pending: 0 }, 'the link is live once both endpoints exist');
});
