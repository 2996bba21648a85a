// The materializer benchmark in a tiny mode, with two materializer instances in the group (ADR
// 0009): it runs end to end, every measurement applied every event once (the benchmark checks
// that itself after each run, and throws otherwise), and the figures are sane. No assertion on a
// time or a ratio: those depend on the machine (STYLE point 10).
import t from 'tap';
import { BenchmarkArgsError, parseBenchmarkArgs, runMaterializerBenchmark } from '../../loadtest/materializer-benchmark.ts';
import { kafkaBrokers, schemaRegistryUrl } from '../support/services.ts';

t.test('options: defaults, and a bad value names the option', async (t) => {
  const defaults = parseBenchmarkArgs([]);
  t.same([defaults.events, defaults.rounds, defaults.batchSize, defaults.instances, defaults.inFlight], [50_000, 3, 1000, 1, 2]);
  t.equal(parseBenchmarkArgs(['--instances', '3']).instances, 3);
  t.equal(parseBenchmarkArgs(['--in-flight', '1']).inFlight, 1);
  t.throws(() => parseBenchmarkArgs(['--in-flight', '17']), BenchmarkArgsError);
  t.throws(() => parseBenchmarkArgs(['--instances', '0']), BenchmarkArgsError);
  t.throws(() => parseBenchmarkArgs(['--instances', 'two']), /--instances must be an integer/);
});

t.test('a tiny run with two instances measures all five and applies every event once', async (t) => {
  const report = await runMaterializerBenchmark({
    ...parseBenchmarkArgs(['--events', '600', '--rounds', '1', '--batch-size', '100', '--instances', '2']),
    endpoints: { postgresAdminUrl: process.env.L3_PG_ADMIN_URL!, kafkaBrokers: kafkaBrokers(), schemaRegistryUrl: schemaRegistryUrl() },
    progress: () => {},
    print: () => {},
  });
  t.same(report.measurements.map((m) => m.kind).sort(), ['at-least-once', 'bare', 'exactly-once', 'floor', 'raw']);
  for (const m of report.measurements) {
    t.ok(Number.isFinite(m.eventsPerSecond) && m.eventsPerSecond > 0, `${m.kind}: events/s`);
    if (m.kind !== 'raw') t.match(m.detail, /\(2 instances\)/, `${m.kind}: both instances reported their figures`);
    t.match(m.detail, /machine \d+% busy; Postgres CPU \d+\.\d\d s\/s \(\d+ µs\/event\)/, `${m.kind}: where the CPU went`);
  }
  // The floors publish without the outbox, and their clock stops only once the broker has
  // acknowledged every change: nothing is left unpublished at the end.
  for (const kind of ['floor', 'bare']) t.match(report.measurements.find((m) => m.kind === kind)!.detail, /unpublished at the end 0$/, `${kind}: every change acknowledged`);
  t.match(report.measurements.find((m) => m.kind === 'exactly-once')!.detail, /relay backlog at the end \d+$/, 'product: the relay backlog');
  t.ok(report.ratioVsRaw > 0 && report.ratioVsAtLeastOnce > 0 && report.floorVsRaw > 0 && report.ratioVsFloor > 0 && report.bareVsRaw > 0 && report.ratioVsBare > 0, 'ratios');
});
