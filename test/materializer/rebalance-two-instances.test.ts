// Exactly once across rebalances: one materializer consumes a stream of 20,000 events over 3
// tenants; midway a second instance joins the group (every partition is revoked and claimed
// again), later the first one stops gracefully (SIGTERM: it finishes its batch and leaves, and the
// second claims everything). Afterwards Postgres equals the in-memory fold, the changes topic holds
// each applied change exactly once, and both instances did part of the work.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { assignmentsInLog } from '../support/materializer/assignment-log.ts';
import { checkMaterializedExactly, outboxAndDeadLetters } from '../support/materializer/exactness.ts';
import { committedRecords, readOffsetClaims } from '../support/materializer/offset-claims.ts';
import { createMaterializerEnvironment, MaterializerProcess, produceEvents, waitFor, waitUntilMaterialized } from '../support/materializer/harness.ts';
import { metricTotal } from '../support/materializer/instance-metrics.ts';
import { generateWorkload } from '../support/materializer/workload.ts';

const EVENTS = 20_000;
const seed = Number(process.env.L3_TEST_SEED ?? Date.now() % 1_000_000);

t.test(`a second instance joining and the first leaving mid-stream change nothing in state or changes (seed ${seed})`, async (t) => {
  const env = await createMaterializerEnvironment(t);
  const tenants = [randomUUID(), randomUUID(), randomUUID()];
  const workload = generateWorkload({ seed, tenants, events: EVENTS });
  const typedefs = workload.filter((e) => e.topic === 'typedefs');
  const data = workload.filter((e) => e.topic !== 'typedefs');

  const a = MaterializerProcess.start(env, 'a');
  t.teardown(() => a.kill('SIGKILL'));
  // Definitions first: objects of a type not defined yet would be dead-lettered (ADR 0004).
  await produceEvents(env, typedefs);
  await waitUntilMaterialized(env);
  const aHealth = await a.healthUrl();

  const producing = produceEvents(env, data, { durationMs: 45_000, chunk: 250 });
  // Both waits below can fail fast if producing does; its rejection is awaited at the end.
  producing.catch(() => {});

  // First rebalance: b joins while a is busy with the stream.
  await waitFor('a third of the stream applied by a alone', async () => (await committedRecords(env)) >= typedefs.length + data.length / 3);
  const b = MaterializerProcess.start(env, 'b');
  t.teardown(() => b.kill('SIGKILL'));
  const bHealth = await b.healthUrl();
  await waitFor('b to apply records of its own', async () => (await metricTotal(bHealth, 'l3_records_consumed_total').catch(() => 0)) > 0);

  // Second rebalance: a leaves gracefully while records keep arriving.
  await waitFor('two thirds of the stream applied', async () => (await committedRecords(env)) >= typedefs.length + (2 * data.length) / 3);
  const consumedByA = await metricTotal(aHealth, 'l3_records_consumed_total');
  a.kill('SIGTERM');
  t.equal(await a.exited, 0, 'a stops cleanly on SIGTERM');
  t.match(a.log(), /"msg":"shutdown complete"/, 'a ran its shutdown hooks');

  await producing;
  await waitUntilMaterialized(env);
  const consumedByB = await metricTotal(bHealth, 'l3_records_consumed_total');

  t.ok(consumedByA > 0, `a consumed records (${consumedByA})`);
  t.ok(consumedByB > 0, `b consumed records (${consumedByB})`);
  t.comment(`records consumed: a ${consumedByA}, b ${consumedByB}, of ${workload.length} (a replayed batch counts twice)`);

  // Claims: every partition was claimed by a (1), by a or b on b's arrival (2), by b when a left (3).
  const offsets = await readOffsetClaims(env);
  t.equal(offsets.length, 13, 'one stored offset per input partition (1 typedefs, 6 objects, 6 links)');
  t.same(offsets.filter((o) => o.generation < 3).map((o) => `${o.topic}[${o.partition}]#${o.generation}`), [], 'every partition claimed at least three times');
  const aClaims = assignmentsInLog(a.log());
  const bClaims = assignmentsInLog(b.log());
  t.ok(aClaims.length >= 2 && aClaims.at(-1)!.every((c) => c.generation >= 2), 'a claimed its share again when b joined');
  t.ok(aClaims.at(-1)!.length < 13, `a gave partitions to b (kept ${aClaims.at(-1)!.length} of 13)`);
  t.ok(bClaims.length >= 2, 'b was assigned twice: when it joined and when a left');
  t.equal(bClaims.at(-1)!.length, 13, 'b owns every partition after a left');
  t.match(b.log(), /"msg":"partitions revoked"/, 'b had its partitions revoked when a left');
  const bReady = await fetch(`${bHealth}/readyz`);
  t.equal(bReady.status, 200, 'and is ready again once reassigned (readiness follows the group, revocation included)');
  t.ok(bClaims.at(-1)!.every((c) => c.generation >= 3), 'b claimed them over a newer generation');

  const expected = await checkMaterializedExactly(t, env, workload, tenants);
  t.ok(expected.ignoredOld > 0, 'the workload has repeats and out-of-order versions');

  const stored = await outboxAndDeadLetters(env);
  t.equal(stored.outbox, expected.changes.length, 'one outbox record per applied change: nothing applied twice');
  t.equal(stored.dead, 0, 'nothing dead-lettered');
});
