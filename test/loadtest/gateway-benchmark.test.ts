// The gateway benchmark in a tiny mode (2 s per load run, 20 subscribers): it runs end to end and
// produces sane, non-empty figures, and both servers agreed on the data before anything was
// timed. No assertion on a time or a ratio: those depend on the machine (STYLE point 10).
import t from 'tap';
import { BenchmarkArgsError, parseGatewayBenchmarkArgs, runGatewayBenchmark } from '../../loadtest/gateway-benchmark.ts';
import { kafkaBrokers, schemaRegistryUrl } from '../support/services.ts';

t.test('options: defaults, steps, and a bad value names the option', async (t) => {
  const defaults = parseGatewayBenchmarkArgs([]);
  t.same([defaults.durationSeconds, defaults.connections, defaults.subscriberSteps], [10, 10, [10, 2000]]);
  t.same(parseGatewayBenchmarkArgs(['--subscribers', '5, 50', '--skip-queries']).subscriberSteps, [5, 50]);
  t.throws(() => parseGatewayBenchmarkArgs(['--duration', '0']), BenchmarkArgsError);
  t.throws(() => parseGatewayBenchmarkArgs(['--subscribers', '10,x']), /--subscribers/);
  t.same(defaults.queries, ['flat', 'nested']);
  t.same(parseGatewayBenchmarkArgs(['--queries', 'nested']).queries, ['nested']);
  t.same(parseGatewayBenchmarkArgs(['--queries', 'nested', '--skip-queries']).queries, []);
  t.throws(() => parseGatewayBenchmarkArgs(['--queries', 'flat,deep']), /--queries: unknown query "deep"/);
});

t.test('a tiny run measures both servers and both subscriber steps', async (t) => {
  const printed: string[] = [];
  const report = await runGatewayBenchmark({
    ...parseGatewayBenchmarkArgs(['--customers', '8', '--duration', '2', '--warmup', '0', '--connections', '2', '--subscribers', '2,20', '--events', '5', '--interval-ms', '20']),
    endpoints: { postgresAdminUrl: process.env.L3_PG_ADMIN_URL!, kafkaBrokers: kafkaBrokers(), schemaRegistryUrl: schemaRegistryUrl() },
    progress: () => {},
    print: (text) => printed.push(text),
  });
  t.same(report.agreement, { flat: { objects: 100, equal: true }, nested: { objects: 8 * (1 + 5 + 25), equal: true } }, 'both servers returned the same objects');
  for (const query of ['flat', 'nested'] as const) {
    const figures = report.queries[query]!;
    for (const server of ['gateway', 'postgraphile'] as const) {
      t.ok(figures.requestsPerSecond[server] > 0, `${query} ${server}: requests/s`);
      t.ok(figures.p99Ms[server] >= 0, `${query} ${server}: p99`);
    }
    t.ok(Number.isFinite(figures.ratio) && figures.ratio > 0, `${query}: ratio`);
  }
  t.same(
    report.subscriptionSteps.map((step) => [step.subscribers, step.held, step.delivered, step.expected, step.leaked]),
    [
      [2, 2, 10, 10, 0],
      [20, 20, 100, 100, 0],
    ],
    'every subscriber held and got every event of its tenant, none of the other',
  );
  for (const step of report.subscriptionSteps) t.ok(step.p50Ms <= step.p95Ms && step.p95Ms <= step.p99Ms && Number.isFinite(step.p99Ms), 'ordered, finite percentiles');
  t.ok(report.p95Ratio !== undefined && Number.isFinite(report.p95Ratio), 'p95 ratio');
  t.match(printed.join('\n'), /ours\/PG[\s\S]*flat[\s\S]*nested[\s\S]*p95 at 20 \/ p95 at 2/);
});
