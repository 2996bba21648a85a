// The materializer as an operator sees it: /livez, /readyz and /metrics on its health server, JSON
// log lines on stdout, and a graceful SIGTERM that finishes and commits the batch in flight,
// leaves the consumer group (so a successor gets the partitions at once, not after a session
// timeout) and exits with 0.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import t from 'tap';
import type { Test } from 'tap';
import { LOG_LEVELS } from '../../runtime/logger.ts';
import { checkChangesMatchFold } from '../support/materializer/changes-check.ts';
import { appliedRecordCount, readConsumerOffsets } from '../support/materializer/consumer-offsets.ts';
import {
  createMaterializerEnvironment,
  MaterializerProcess,
  produceEvents,
  readChanges,
  waitFor,
  waitUntilMaterialized,
  type MaterializerEnvironment,
} from '../support/materializer/harness.ts';
import { compareStates, readMaterializedState } from '../support/materializer/materialized-state.ts';
import { captureStdout, parseLogLines, type LogLine } from '../support/materializer/process-output.ts';
import { scrapeMetrics, samplesOf, sumOf } from '../support/materializer/prometheus-text.ts';
import { foldEvents } from '../support/materializer/reference-fold.ts';
import { generateWorkload } from '../support/materializer/workload.ts';

const seed = Number(process.env.L3_TEST_SEED ?? Date.now() % 1_000_000);

interface ReadyzBody {
  status: string;
  checks: { name: string; ok: boolean; detail?: string }[];
}

async function readyz(health: string): Promise<{ status: number; body: ReadyzBody } | undefined> {
  const response = await fetch(`${health}/readyz`).catch(() => undefined);
  if (response === undefined) return undefined;
  return { status: response.status, body: (await response.json()) as ReadyzBody };
}

async function waitUntilReady(instance: MaterializerProcess): Promise<string> {
  const health = await instance.healthUrl();
  await waitFor(`${instance.logFile} to be ready`, async () => (await readyz(health))?.status === 200);
  return health;
}

async function withAdmin<T>(env: MaterializerEnvironment, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: env.db.admin });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function deadLetterRows(env: MaterializerEnvironment): Promise<{ source_topic: string; source_offset: string; error_class: string; error_message: string }[]> {
  return withAdmin(env, async (client) => (await client.query('SELECT source_topic, source_offset::text, error_class, error_message FROM dead_letters ORDER BY id')).rows);
}

/** Every stdout line a JSON object with a known level, an ISO time and the service name. */
function checkJsonLogLines(t: Test, stdout: string): LogLine[] {
  const { lines, invalid } = parseLogLines(stdout);
  t.same(invalid, [], 'every stdout line is a JSON object');
  t.ok(lines.length > 0, 'the process logged');
  const malformed = lines.filter(
    (line) =>
      !(LOG_LEVELS as readonly string[]).includes(String(line.level)) ||
      typeof line.time !== 'string' ||
      Number.isNaN(Date.parse(line.time)) ||
      line.service !== 'l3-materializer',
  );
  t.same(malformed, [], 'every line has a level name, an ISO time and service l3-materializer');
  return lines;
}

/** The state in Postgres equals the fold of `events`, and each applied change was published once. */
async function checkStateAndChanges(
  t: Test,
  env: MaterializerEnvironment,
  events: Parameters<typeof foldEvents>[0],
  tenants: string[],
): Promise<void> {
  const expected = foldEvents(events);
  t.equal(expected.deadLettered.length, 0, 'the workload is valid');
  const actual = await readMaterializedState(env.db.admin, env.database, tenants);
  t.same(compareStates(expected, actual).slice(0, 20), [], 'Postgres equals the fold, row for row');
  const changes = await readChanges(env.topics.ontologyChanges);
  t.same(checkChangesMatchFold(expected.changes, changes.unique).slice(0, 20), [], 'each applied change exactly once, in order per key');
  t.same((await deadLetterRows(env)).slice(0, 10), [], 'no record was dead-lettered');
}

t.test('probes, metrics and JSON logs of a running materializer', async (t) => {
  const env = await createMaterializerEnvironment(t);
  const tenants = [randomUUID()];
  const workload = generateWorkload({ seed, tenants, events: 800 });
  const typedefs = workload.filter((e) => e.topic === 'typedefs');

  // Until the group's assignment is claimed in Postgres the instance is not ready. Holding the
  // row lock of one of its consumer_offsets rows makes that moment last as long as the test needs.
  const blocker = new pg.Client({ connectionString: env.db.admin });
  await blocker.connect();
  t.teardown(() => blocker.end());
  await blocker.query('BEGIN');
  await blocker.query('INSERT INTO consumer_offsets (consumer_group, topic, partition, next_offset, generation) VALUES ($1, $2, 0, 0, 0)', [env.groupId, env.topics.typedefs]);

  const instance = MaterializerProcess.start(env, 'health-0');
  const stdout = captureStdout(instance);
  t.teardown(() => instance.kill('SIGKILL'));
  const health = await instance.healthUrl();

  await t.test('/livez answers 200 from the process alone', async (t) => {
    const response = await fetch(`${health}/livez`);
    t.equal(response.status, 200);
    t.same(await response.json(), { status: 'ok' });
  });

  await t.test('/readyz answers 503 naming the consumer group while the assignment is not claimed', async (t) => {
    await waitFor('the instance to wait on the locked consumer_offsets row', async () =>
      withAdmin(env, async (client) => {
        const { rows } = await client.query(
          "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'l3-materializer' AND wait_event_type = 'Lock' AND query ILIKE '%consumer_offsets%'",
        );
        return rows.length > 0;
      }),
    );
    const answer = await readyz(health);
    t.equal(answer?.status, 503);
    t.equal(answer?.body.status, 'unavailable');
    const checks = new Map(answer?.body.checks.map((c) => [c.name, c]));
    t.equal(checks.get('kafka group joined')?.ok, false, 'kafka group joined fails');
    t.match(checks.get('kafka group joined')?.detail ?? '', /not yet assigned/, 'and says why');
    t.equal(checks.get('postgres pool')?.ok, true, 'postgres pool passes');
  });

  await blocker.query('ROLLBACK');

  await t.test('/readyz answers 200 with both checks once the group assigned the partitions', async (t) => {
    await waitFor('/readyz 200', async () => (await readyz(health))?.status === 200);
    const answer = await readyz(health);
    t.equal(answer?.body.status, 'ok');
    t.same(answer?.body.checks.map((c) => [c.name, c.ok]).sort(), [
      ['kafka group joined', true],
      ['postgres pool', true],
    ]);
  });

  await produceEvents(env, typedefs);
  await waitUntilMaterialized(env);
  await produceEvents(env, workload.filter((e) => e.topic !== 'typedefs'));
  await waitUntilMaterialized(env);
  const expected = foldEvents(workload);

  await t.test('/metrics counts what the instance consumed, applied, ignored and batched', async (t) => {
    const partitions = [
      ...[env.topics.objects, env.topics.links].flatMap((topic) => Array.from({ length: 6 }, (_, p) => `${topic}[${p}]`)),
      `${env.topics.typedefs}[0]`,
    ];
    // The lag gauge is refreshed every few seconds: wait for a reading of every partition at 0.
    await waitFor('l3_consumer_lag of 0 on every partition', async () => {
      const lag = samplesOf(await scrapeMetrics(health), 'l3_consumer_lag');
      return partitions.every((tp) => lag.some((s) => `${s.labels.topic}[${s.labels.partition}]` === tp && s.value === 0));
    });
    const metrics = await scrapeMetrics(health);
    const types = {
      l3_records_consumed_total: 'counter',
      l3_records_applied_total: 'counter',
      l3_records_ignored_old_total: 'counter',
      l3_records_dead_lettered_total: 'counter',
      l3_batch_size: 'histogram',
      l3_batch_duration_seconds: 'histogram',
      l3_consumer_lag: 'gauge',
    };
    for (const [name, type] of Object.entries(types)) t.equal(metrics.families.get(name), type, `${name} is exposed as a ${type}`);
    t.ok(metrics.samples.filter((s) => s.name.startsWith('l3_records_') || s.name.startsWith('l3_batch')).every((s) => s.labels.processor === 'materializer'), 'every series says processor="materializer"');

    t.equal(sumOf(metrics, 'l3_records_consumed_total'), workload.length, 'each record consumed once');
    t.equal(sumOf(metrics, 'l3_records_consumed_total', { topic: env.topics.typedefs }), typedefs.length, 'typedefs consumed');
    t.ok(expected.changes.length > 0 && expected.ignoredOld > 0, 'the workload has changes and repeats');
    t.equal(sumOf(metrics, 'l3_records_applied_total'), expected.changes.length, 'applied = the changes of the fold');
    t.equal(sumOf(metrics, 'l3_records_ignored_old_total'), expected.ignoredOld, 'ignored_old = repeats and older versions of the fold');
    t.equal(sumOf(metrics, 'l3_records_dead_lettered_total'), 0, 'nothing dead-lettered');

    const batches = sumOf(metrics, 'l3_batch_size_count');
    t.ok(batches > 0, 'batches were observed');
    t.equal(sumOf(metrics, 'l3_batch_size_sum'), workload.length, 'the batch sizes add up to the records consumed');
    t.equal(sumOf(metrics, 'l3_batch_duration_seconds_count'), batches, 'one duration per batch');
    t.ok(sumOf(metrics, 'l3_batch_duration_seconds_sum') > 0, 'batches take time');
    t.equal(sumOf(metrics, 'l3_batch_size_bucket', { le: '+Inf' }), batches, 'the +Inf bucket holds every batch');
    t.equal(sumOf(metrics, 'l3_batches_total'), batches, 'l3_batches_total agrees');
    t.equal(samplesOf(metrics, 'l3_consumer_lag').length, partitions.length, 'one lag reading per assigned partition');
  });

  await t.test('SIGTERM on an idle instance exits 0, and every stdout line is a JSON log line', async (t) => {
    instance.kill('SIGTERM');
    t.equal(await instance.exited, 0, 'exit code 0');
    const lines = checkJsonLogLines(t, stdout.text());
    const messages = lines.map((line) => line.msg);
    t.ok(messages.includes('materializer started'), 'it said it started');
    t.equal(messages.at(-1), 'shutdown complete', 'its last line says it stopped');
  });
});

t.test(`SIGTERM while records flow: exit 0, the batch in flight committed, the group left (seed ${seed})`, async (t) => {
  const env = await createMaterializerEnvironment(t);
  const tenants = [randomUUID(), randomUUID()];
  const workload = generateWorkload({ seed, tenants, events: 6_000 });
  const typedefs = workload.filter((e) => e.topic === 'typedefs');
  const data = workload.filter((e) => e.topic !== 'typedefs');

  // A member that vanished without leaving would keep its partitions until its session timed
  // out: five minutes here, far beyond the wait for the successor below.
  const first = MaterializerProcess.start(env, 'graceful-0', { MATERIALIZER_SESSION_TIMEOUT_MS: '300000' });
  const stdout = captureStdout(first);
  let second: MaterializerProcess | undefined;
  t.teardown(() => {
    first.kill('SIGKILL');
    second?.kill('SIGKILL');
  });
  await produceEvents(env, typedefs);
  await waitUntilMaterialized(env);
  await waitUntilReady(first);

  const producing = produceEvents(env, data, { durationMs: 20_000, chunk: 50 });
  const startedAt = await appliedRecordCount(env);
  await waitFor('the instance to apply a good part of the flowing records', async () => (await appliedRecordCount(env)) >= startedAt + 1_000);
  first.kill('SIGTERM');
  const code = await first.exited;
  const claimed = await readConsumerOffsets(env);
  second = MaterializerProcess.start(env, 'graceful-1');

  await t.test('the instance exits with 0 and its last lines say it stopped', async (t) => {
    t.equal(code, 0, 'exit code 0 (no shutdown hook failed or overran the budget)');
    const lines = checkJsonLogLines(t, stdout.text());
    const messages = lines.map((line) => line.msg);
    const shuttingDown = lines.findIndex((line) => line.msg === 'shutting down');
    t.ok(shuttingDown >= 0, 'it logged the shutdown');
    t.equal(lines[shuttingDown]?.reason, 'SIGTERM', 'because of SIGTERM');
    t.ok(messages.slice(shuttingDown).includes('partitions revoked'), 'it gave its partitions back');
    t.equal(lines.at(-1)?.msg, 'shutdown complete', 'the last line says the shutdown completed');
    t.equal(lines.at(-1)?.exitCode, 0);
    t.same(lines.filter((line) => line.level === 'error' || line.level === 'fatal').map((line) => line.msg), [], 'no error was logged');
  });

  await t.test('it left the group: a successor claims every partition without waiting for a session timeout', async (t) => {
    await waitUntilReady(second!);
    await waitFor('the successor to claim every partition', async () => {
      const now = await readConsumerOffsets(env);
      return [...claimed].every(([tp, before]) => (now.get(tp)?.generation ?? 0) > before.generation);
    });
    const now = await readConsumerOffsets(env);
    t.equal(now.size, claimed.size, 'the same partitions');
    t.equal(now.size, 13, '6 objects + 6 links + 1 typedefs partitions');
    t.ok([...claimed].every(([tp, before]) => now.get(tp)!.generation > before.generation), 'every partition claimed anew');
  });

  await producing;
  await waitUntilMaterialized(env);

  await t.test('nothing was lost or applied twice: the state equals the fold and each change was published once', async (t) => {
    await checkStateAndChanges(t, env, workload, tenants);
  });

  await t.test('the successor stops cleanly too', async (t) => {
    second!.kill('SIGTERM');
    t.equal(await second!.exited, 0);
  });
});

t.test(
  'a SIGTERM that arrives while a lone record is being fetched applies that record instead of dead-lettering it',
  async (t) => {
    const env = await createMaterializerEnvironment(t, 1);
    const tenants = [randomUUID()];
    const workload = generateWorkload({ seed, tenants, events: 300 });
    const typedefs = workload.filter((e) => e.topic === 'typedefs');
    const data = workload.filter((e) => e.topic !== 'typedefs');

    let instance = MaterializerProcess.start(env, 'lone-0');
    t.teardown(() => instance.kill('SIGKILL'));
    await produceEvents(env, typedefs);
    await waitUntilMaterialized(env);

    // About five records a second on one partition: most fetches bring back a single record.
    const producing = produceEvents(env, data, { durationMs: 50_000, chunk: 1 });
    for (let round = 1; round <= 3; round++) {
      await waitUntilReady(instance);
      const before = await appliedRecordCount(env);
      await waitFor('the instance to apply two more records', async () => (await appliedRecordCount(env)) >= before + 2);
      instance.kill('SIGTERM');
      t.equal(await instance.exited, 0, `round ${round}: exit code 0`);
      instance = MaterializerProcess.start(env, `lone-${round}`);
    }
    await producing;
    await waitUntilMaterialized(env);
    await checkStateAndChanges(t, env, workload, tenants);
  },
);
