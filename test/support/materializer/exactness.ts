// The exactness check every materializer run ends with: Postgres equals the in-memory fold of the
// events, row for row, and the changes topic holds each applied change once, in order per key.
import pg from 'pg';
import type { Test } from 'tap';
import { checkChangesMatchFold } from './changes-check.ts';
import { readChanges, type MaterializerEnvironment } from './harness.ts';
import { compareStates, readMaterializedState } from './materialized-state.ts';
import { foldEvents, type FoldResult, type WorkloadEvent } from './reference-fold.ts';

/** Asserts exactness and returns the fold, for the caller's own checks (outbox records, repeats). */
export async function checkMaterializedExactly(t: Test, env: MaterializerEnvironment, events: readonly WorkloadEvent[], tenants: string[]): Promise<FoldResult> {
  const expected = foldEvents(events);
  t.equal(expected.deadLettered.length, 0, 'the workload is valid');
  const actual = await readMaterializedState(env.db.admin, env.database, tenants);
  t.same(compareStates(expected, actual).slice(0, 20), [], 'Postgres equals the fold, row for row');
  t.equal(actual.objects.size, expected.objects.size);
  t.equal(actual.links.size, expected.links.size);
  const changes = await readChanges(env.topics.ontologyChanges);
  t.same(checkChangesMatchFold(expected.changes, changes.unique).slice(0, 20), [], 'each applied change exactly once, in order per key');
  t.comment(`changes: ${changes.unique.length} unique of ${changes.all} records (relay republished ${changes.all - changes.unique.length})`);
  return expected;
}

/** How many records the outbox holds and how many dead letters were parked (admin connection). */
export async function outboxAndDeadLetters(env: MaterializerEnvironment): Promise<{ outbox: number; dead: number }> {
  const db = new pg.Client({ connectionString: env.db.admin });
  await db.connect();
  try {
    const { rows } = await db.query<{ outbox: string; dead: string }>('SELECT (SELECT count(*) FROM outbox_messages) AS outbox, (SELECT count(*) FROM dead_letters) AS dead');
    return { outbox: Number(rows[0]!.outbox), dead: Number(rows[0]!.dead) };
  } finally {
    await db.end();
  }
}
