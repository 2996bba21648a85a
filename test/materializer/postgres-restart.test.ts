// A Postgres restart in the middle of a stream: the materializer's batches and its outbox relay
// fail while the database is gone, are retried with backoff, and carry on once it is back, in the
// same process. Afterwards Postgres equals the in-memory fold of the 15,000 events and the changes
// topic holds each applied change exactly once. The restart uses the embedded stack's own API;
// the teardown brings Postgres back whatever happened.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { loadStackConfig } from '../../stack/config.ts';
import { EmbeddedStack } from '../../stack/stack.ts';
import { checkMaterializedExactly, outboxAndDeadLetters } from '../support/materializer/exactness.ts';
import { createMaterializerEnvironment, MaterializerProcess, produceEvents, waitFor, waitUntilMaterialized } from '../support/materializer/harness.ts';
import { metricTotal } from '../support/materializer/instance-metrics.ts';
import { committedRecords } from '../support/materializer/offset-claims.ts';
import { generateWorkload } from '../support/materializer/workload.ts';

const seed = Number(process.env.L3_TEST_SEED ?? Date.now() % 1_000_000);

t.test(`a Postgres restart mid-stream loses and duplicates nothing, and the materializer recovers by itself (seed ${seed})`, async (t) => {
  const stack = new EmbeddedStack(loadStackConfig());
  t.ok(await stack.postgres.isReady(), 'the embedded Postgres is running');
  const env = await createMaterializerEnvironment(t);
  // Registered after the database's own teardown, so it runs before it (teardowns run last-first).
  t.teardown(async () => {
    try {
      if (await stack.postgres.isReady()) return;
      if (stack.postgres.runningPid() === undefined) await stack.postgres.start();
      await waitFor('Postgres to accept connections again', () => stack.postgres.isReady(), 120_000, 500);
    } catch (error) {
      // Never throw from a teardown: the ones after it (dropping the database) would not run.
      t.comment(`could not bring Postgres back: ${(error as Error).message}; run bin/l3 stack up`);
    }
  });

  const tenants = [randomUUID(), randomUUID(), randomUUID()];
  const workload = generateWorkload({ seed, tenants, events: 15_000 });
  const typedefs = workload.filter((e) => e.topic === 'typedefs');
  const data = workload.filter((e) => e.topic !== 'typedefs');

  const instance = MaterializerProcess.start(env, 'pg-restart');
  t.teardown(() => instance.kill('SIGKILL'));
  let exitCode: number | null | undefined;
  void instance.exited.then((code) => (exitCode = code));
  // Definitions first: objects of a type not defined yet would be dead-lettered (ADR 0004).
  await produceEvents(env, typedefs);
  await waitUntilMaterialized(env);
  const health = await instance.healthUrl();

  // One producer for the whole stream: its serde has looked the schema ids up before the restart
  // (the registry keeps its own data in this Postgres too).
  const producing = produceEvents(env, data, { durationMs: 30_000, chunk: 250 });
  producing.catch(() => {}); // awaited below

  await waitFor('a third of the stream to be applied', async () => (await committedRecords(env)) >= typedefs.length + data.length / 3);
  await stack.postgres.stop();
  t.notOk(await stack.postgres.isReady(), 'Postgres is down');
  // Records keep arriving during the outage; the materializer must notice that it cannot write.
  await waitFor('the materializer to retry a failed write', () => {
    if (exitCode !== undefined) throw new Error(`the materializer exited (code ${exitCode}) when Postgres went away; its log ends:\n${instance.log().slice(-3_000)}`);
    return /retrying/.test(instance.log());
  }, 60_000);
  await new Promise((resolve) => setTimeout(resolve, 2_000 + Math.random() * 3_000));
  await stack.postgres.start();
  await waitFor('Postgres to accept connections again', () => stack.postgres.isReady(), 120_000, 500);
  t.comment('Postgres restarted');

  await producing;
  // Fails at once, with the reason, if the process dies instead of recovering.
  const died = instance.exited.then((code) => {
    throw new Error(`the materializer exited (code ${code}) after the restart; its log ends:\n${instance.log().slice(-3_000)}`);
  });
  await Promise.race([waitUntilMaterialized(env), died]);
  died.catch(() => {}); // the kill in the teardown settles it

  t.equal(exitCode, undefined, 'the same materializer process carried on (it did not exit)');
  const retries = await metricTotal(health, 'l3_retries_total');
  t.ok(retries > 0, `it retried while Postgres was down (l3_retries_total ${retries})`);
  t.notMatch(instance.log(), /"level":"fatal"/, 'nothing fatal was logged');

  const expected = await checkMaterializedExactly(t, env, workload, tenants);
  t.ok(expected.ignoredOld > 0, 'the workload has repeats and out-of-order versions');

  const stored = await outboxAndDeadLetters(env);
  t.equal(stored.outbox, expected.changes.length, 'one outbox record per applied change: no batch applied twice');
  t.equal(stored.dead, 0, 'nothing dead-lettered');
});
