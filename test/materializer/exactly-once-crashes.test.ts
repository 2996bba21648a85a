// Exactly once under crashes: 50,000 events over 3 tenants (upserts, deletes, links, repeats,
// out-of-order versions) while the materializer is SIGKILLed at random moments and restarted.
// Afterwards Postgres equals the in-memory fold of the same events, row for row, and the changes
// topic holds each applied change exactly once (after dedup by eventId), in order per key.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { foldEvents } from '../support/materializer/reference-fold.ts';
import { compareStates, readMaterializedState } from '../support/materializer/materialized-state.ts';
import { generateWorkload } from '../support/materializer/workload.ts';
import { createMaterializerEnvironment, MaterializerProcess, produceEvents, readChanges, waitFor, waitUntilMaterialized } from '../support/materializer/harness.ts';
import { checkChangesMatchFold } from '../support/materializer/changes-check.ts';

const KILLS = 10;
const seed = Number(process.env.L3_TEST_SEED ?? Date.now() % 1_000_000);

t.test(`state and changes are exact after ${KILLS} SIGKILLs during 50,000 events (seed ${seed})`, async (t) => {
  const env = await createMaterializerEnvironment(t);
  const tenants = [randomUUID(), randomUUID(), randomUUID()];
  const workload = generateWorkload({ seed, tenants, events: 50_000 });
  const typedefs = workload.filter((e) => e.topic === 'typedefs');
  const data = workload.filter((e) => e.topic !== 'typedefs');
  const random = mulberry32(seed);

  let instance = MaterializerProcess.start(env, 'crash-0');
  t.teardown(() => instance.kill('SIGKILL'));
  // Definitions first: objects of a type not defined yet would be dead-lettered (ADR 0004).
  await produceEvents(env, typedefs);
  await waitUntilMaterialized(env);

  const producing = produceEvents(env, data, { durationMs: 60_000, chunk: 500 });
  for (let kill = 1; kill <= KILLS; kill++) {
    // Kill only a member that holds partitions, so each kill lands mid-processing.
    const health = await instance.healthUrl();
    await waitFor(`instance ${kill - 1} to join the group`, async () => (await fetch(`${health}/readyz`).catch(() => undefined))?.status === 200);
    await new Promise((resolve) => setTimeout(resolve, 300 + random() * 2_500));
    instance.kill('SIGKILL');
    await instance.exited;
    instance = MaterializerProcess.start(env, `crash-${kill}`);
  }
  await producing;
  await waitUntilMaterialized(env);

  const expected = foldEvents([...typedefs, ...data]);
  t.equal(expected.deadLettered.length, 0, 'the workload is valid');
  t.ok(expected.ignoredOld > 0, 'the workload has repeats and out-of-order versions');
  const actual = await readMaterializedState(env.db.admin, env.database, tenants);
  t.same(compareStates(expected, actual).slice(0, 20), [], 'Postgres equals the fold, row for row');
  t.equal(actual.objects.size, expected.objects.size);
  t.equal(actual.links.size, expected.links.size);

  const changes = await readChanges(env.topics.ontologyChanges);
  t.same(checkChangesMatchFold(expected.changes, changes.unique).slice(0, 20), [], 'each applied change exactly once, in order per key');
  t.comment(`changes: ${changes.unique.length} unique of ${changes.all} records (relay republished ${changes.all - changes.unique.length})`);
});

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
