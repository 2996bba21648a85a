import t from 'tap';
import { buildHealthServer, runReadinessChecks, startHealthServer } from '../../runtime/health-server.ts';
import type { ReadinessReport, ReadinessResponse } from '../../runtime/health-server.ts';
import { createLogger } from '../../runtime/logger.ts';
import { createProcessorMetrics } from '../../runtime/metrics.ts';

type Line = Record<string, unknown>;

function setup(readiness: () => Promise<ReadinessReport> | ReadinessReport) {
  const lines: Line[] = [];
  const logger = createLogger({
    name: 'test-processor',
    level: 'info',
    destination: { write: (text: string) => void lines.push(JSON.parse(text) as Line) },
  });
  const metrics = createProcessorMetrics('test-processor');
  const app = buildHealthServer({ registry: metrics.registry, readiness, logger });
  return { app, metrics, lines };
}

// The value of the sample with exactly these labels, whatever order the exposition lists them in.
function sampleValue(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]]));
    const wanted = Object.entries(labels);
    if (Object.keys(found).length === wanted.length && wanted.every(([key, expected]) => found[key] === expected)) {
      return Number(match[3]);
    }
  }
  return undefined;
}

t.test('/livez answers 200 without consulting readiness', async (t) => {
  let consulted = false;
  const { app } = setup(() => {
    consulted = true;
    throw new Error('database down');
  });
  t.teardown(() => app.close());
  const response = await app.inject({ method: 'GET', url: '/livez' });
  t.equal(response.statusCode, 200);
  t.same(response.json(), { status: 'ok' });
  t.equal(consulted, false);
});

t.test('/readyz answers 200 with the report when every check is ok', async (t) => {
  const { app } = setup(async () => ({ checks: [{ name: 'postgres', ok: true }, { name: 'kafka', ok: true }] }));
  t.teardown(() => app.close());
  const response = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(response.statusCode, 200);
  t.same(response.json(), {
    status: 'ok',
    checks: [
      { name: 'postgres', ok: true },
      { name: 'kafka', ok: true },
    ],
  });
});

t.test('/readyz answers 503 naming the failing checks, and logs the change once', async (t) => {
  let postgresUp = false;
  const { app, lines } = setup(() => ({
    checks: [
      { name: 'postgres', ok: postgresUp, ...(postgresUp ? {} : { detail: 'connect ECONNREFUSED' }) },
      { name: 'kafka', ok: true },
    ],
  }));
  t.teardown(() => app.close());

  for (let probe = 0; probe < 2; probe++) {
    const response = await app.inject({ method: 'GET', url: '/readyz' });
    t.equal(response.statusCode, 503);
    const body = response.json() as ReadinessResponse;
    t.equal(body.status, 'unavailable');
    t.same(
      body.checks.filter((check) => !check.ok),
      [{ name: 'postgres', ok: false, detail: 'connect ECONNREFUSED' }],
    );
  }
  t.equal(lines.filter((line) => line.msg === 'not ready').length, 1, 'two failed probes, one log line');

  postgresUp = true;
  const recovered = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(recovered.statusCode, 200);
  t.equal(lines.filter((line) => line.msg === 'ready').length, 1);
});

t.test('/readyz answers 503 when the readiness function throws, with its message', async (t) => {
  const { app } = setup(async () => {
    throw new Error('pool is closed');
  });
  t.teardown(() => app.close());
  const response = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(response.statusCode, 503);
  t.same(response.json(), { status: 'unavailable', checks: [{ name: 'readiness', ok: false, detail: 'pool is closed' }] });
});

t.test('runReadinessChecks: a probe that throws fails with its message, one that hangs fails as timed out', async (t) => {
  const { app } = setup(() =>
    runReadinessChecks(
      {
        postgres: async () => undefined,
        kafka: () => {
          throw new Error('no partitions assigned');
        },
        registry: () => new Promise(() => {}),
      },
      { timeoutMs: 20 },
    ),
  );
  t.teardown(() => app.close());
  const response = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(response.statusCode, 503);
  const body = response.json() as ReadinessResponse;
  t.same(body.checks[0], { name: 'postgres', ok: true });
  t.same(body.checks[1], { name: 'kafka', ok: false, detail: 'no partitions assigned' });
  t.equal(body.checks[2]!.name, 'registry');
  t.equal(body.checks[2]!.ok, false);
  t.match(body.checks[2]!.detail, /no answer within 20 ms/);
});

t.test('/metrics serves the registry as Prometheus text 0.0.4', async (t) => {
  const { app, metrics } = setup(() => ({ checks: [] }));
  t.teardown(() => app.close());
  metrics.recordsConsumed.inc({ topic: 'l2.ontology.objects.v1' }, 3);
  metrics.recordsDeadLettered.inc({ topic: 'l2.ontology.objects.v1', reason: 'INVALID_PROPERTIES' });
  metrics.batchSize.observe({ topic: 'l2.ontology.objects.v1' }, 3);
  metrics.consumerLag.set({ topic: 'l2.ontology.objects.v1', partition: 2 }, 17);
  metrics.outboxBacklog.set(5);

  const response = await app.inject({ method: 'GET', url: '/metrics' });
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  const text = response.body;
  const value = (name: string, labels: Record<string, string>): number | undefined => sampleValue(text, name, labels);
  const processor = 'test-processor';
  const topic = 'l2.ontology.objects.v1';
  t.equal(value('l3_records_consumed_total', { processor, topic }), 3);
  t.equal(value('l3_records_dead_lettered_total', { processor, topic, reason: 'INVALID_PROPERTIES' }), 1);
  t.equal(value('l3_batch_size_bucket', { processor, topic, le: '1' }), 0);
  t.equal(value('l3_batch_size_bucket', { processor, topic, le: '5' }), 1);
  t.equal(value('l3_batch_size_bucket', { processor, topic, le: '5000' }), 1);
  t.equal(value('l3_consumer_lag', { processor, topic, partition: '2' }), 17);
  t.equal(value('l3_outbox_backlog', { processor }), 5);
  for (const name of [
    'l3_records_applied_total',
    'l3_records_ignored_old_total',
    'l3_batches_total',
    'l3_retries_total',
    'l3_fenced_commits_total',
    'l3_outbox_published_total',
    'l3_batch_duration_seconds',
  ]) {
    t.match(text, new RegExp(`^# TYPE ${name} `, 'm'), `${name} is exposed`);
  }
  t.match(text, /^# TYPE l3_process_cpu_user_seconds_total counter$/m, 'default Node metrics carry the l3_ prefix');
});

t.test('startHealthServer listens on loopback, reports the bound port and closes', async (t) => {
  const logger = createLogger({ name: 'test-processor', level: 'silent' });
  const metrics = createProcessorMetrics('test-processor');
  const server = await startHealthServer({ port: 0, registry: metrics.registry, readiness: () => ({ checks: [] }), logger });
  t.equal(server.host, '127.0.0.1');
  t.ok(server.port > 0);
  const response = await fetch(`${server.url}/livez`);
  t.equal(response.status, 200);
  t.same(await response.json(), { status: 'ok' });
  await server.close();
  await server.close();
  await t.rejects(fetch(`${server.url}/livez`), 'no longer listening');
});
