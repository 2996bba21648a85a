// The gateway benchmark (issue #5; STYLE point 10: a benchmark prints its figures next to a
// baseline measured in the same run; it is not a test and has no time limit). In one run, on one
// database seeded with two tenants (loadtest/gateway/bench-graph.ts):
//   queries:       requests/s and p99 of a flat list query and a 3-level nested query, on our
//                  gateway (gateway/main.ts, production mode) and on PostGraphile v5 serving the
//                  same tables as the same role with the same tenant setting, driven by autocannon
//                  with the same connections and duration; ratio ours / PostGraphile;
//   subscriptions: objectChanged subscribers held at once in steps (10, then 2,000), delivery
//                  latency per event per subscriber p50/p95/p99 per step; ratio of the p95s.
//   node loadtest/gateway-benchmark.ts [options]   (or bin/l3 bench gateway [options])
// What the figures mean: loadtest/README.md, "Gateway".
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { KafkaJS } from '@confluentinc/kafka-javascript';
import { loadCliConfig } from '../cli/config.ts';
import { registerContracts } from '../contracts/registry/register-contracts.ts';
import { AvroSerde } from '../contracts/serde/index.ts';
import { resolveTopicNames, topicCatalog } from '../contracts/topics.ts';
import { dropDatabase } from './support/bench-database.ts';
import { describeEnvironment } from './support/bench-environment.ts';
import { deleteKafkaLeftovers, ensureTopics, newRunId } from './support/bench-kafka.ts';
import { BenchmarkArgsError, integerOption, parseBenchmarkOptions } from './support/benchmark-args.ts';
import type { BenchmarkEndpoints } from './support/benchmark-endpoints.ts';
import { median } from './support/stats.ts';
import { createBenchGraph, TENANT_A, TENANT_B, type BenchGraph } from './gateway/bench-graph.ts';
import { startBenchIdentity } from './gateway/bench-identity.ts';
import { countObjects, GATEWAY_QUERIES, gatewayTrees, POSTGRAPHILE_QUERIES, postgraphileTrees, type BenchQuery, type Tree } from './gateway/bench-queries.ts';
import { runLoad, type LoadRun } from './gateway/http-load.ts';
import { freePort, startServerChild, type ServerChild } from './gateway/server-children.ts';
import { measureSubscriptionStep, type SubscriptionStep } from './gateway/subscription-load.ts';
import { openSubscriber } from './gateway/subscribers.ts';

export { BenchmarkArgsError };

const APPLICATION_NAME = 'l3-bench-gateway';

export const GATEWAY_BENCHMARK_USAGE =
  'gateway [--customers N] [--duration S] [--warmup S] [--connections C] [--rounds R] [--subscribers N,N,...] [--events E] [--interval-ms MS] [--queries flat,nested] [--skip-queries] [--skip-subscriptions] [--cpu-prof DIR]';

export interface GatewayBenchmarkArgs {
  /** Tenant A's customers; sites, pumps and sensors follow (x5, x25, x50). */
  readonly customers: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  readonly rounds: number;
  readonly subscriberSteps: readonly number[];
  readonly events: number;
  readonly intervalMs: number;
  /** The queries to time (none with --skip-queries). */
  readonly queries: readonly QueryName[];
  readonly subscriptions: boolean;
  /** Run both servers with `node --cpu-prof`, profiles in this directory. */
  readonly cpuProfileDir: string | undefined;
}

export function parseGatewayBenchmarkArgs(args: readonly string[]): GatewayBenchmarkArgs {
  const values = parseBenchmarkOptions(
    args,
    {
      customers: { type: 'string', default: '200' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '1' },
      subscribers: { type: 'string', default: '10,2000' },
      events: { type: 'string', default: '40' },
      'interval-ms': { type: 'string', default: '250' },
      queries: { type: 'string', default: 'flat,nested' },
      'skip-queries': { type: 'boolean', default: false },
      'skip-subscriptions': { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
    },
    GATEWAY_BENCHMARK_USAGE,
  );
  const queries = values.queries.split(',').map((name) => name.trim());
  for (const name of queries) if (name !== 'flat' && name !== 'nested') throw new BenchmarkArgsError(`--queries: unknown query "${name}" (flat, nested)`);
  const steps = values.subscribers.split(',').map((step) => integerOption('subscribers', step.trim(), 1, 20_000));
  return {
    customers: integerOption('customers', values.customers, 4, 100_000),
    durationSeconds: integerOption('duration', values.duration, 1, 3600),
    warmupSeconds: integerOption('warmup', values.warmup, 0, 600),
    connections: integerOption('connections', values.connections, 1, 1000),
    rounds: integerOption('rounds', values.rounds, 1, 20),
    subscriberSteps: steps,
    events: integerOption('events', values.events, 1, 100_000),
    intervalMs: integerOption('interval-ms', values['interval-ms'], 0, 60_000),
    queries: values['skip-queries'] ? [] : (queries as QueryName[]),
    subscriptions: !values['skip-subscriptions'],
    cpuProfileDir: values['cpu-prof'],
  };
}

export interface GatewayBenchmarkOptions extends GatewayBenchmarkArgs {
  readonly endpoints: BenchmarkEndpoints;
  /** Progress lines (stderr by default); the results table goes to stdout. */
  readonly progress?: (line: string) => void;
  /** Where the report goes (stdout by default). */
  readonly print?: (text: string) => void;
}

export type QueryName = 'flat' | 'nested';
export type ServerName = 'gateway' | 'postgraphile';

export interface QueryMeasurement {
  readonly query: QueryName;
  readonly server: ServerName;
  readonly round: number;
  readonly run: LoadRun;
}

export interface QueryFigures {
  readonly requestsPerSecond: Readonly<Record<ServerName, number>>;
  readonly p99Ms: Readonly<Record<ServerName, number>>;
  /** Ours / PostGraphile, requests/s. */
  readonly ratio: number;
}

export interface GatewayBenchmarkReport {
  /** Objects in each query's answer, and whether both servers returned the same (checked before timing). */
  readonly agreement: Readonly<Record<QueryName, { readonly objects: number; readonly equal: boolean }>>;
  readonly measurements: readonly QueryMeasurement[];
  readonly queries: Partial<Record<QueryName, QueryFigures>>;
  readonly subscriptionSteps: readonly SubscriptionStep[];
  /** p95 of the largest step / p95 of the smallest. */
  readonly p95Ratio: number | undefined;
}

export async function runGatewayBenchmark(options: GatewayBenchmarkOptions): Promise<GatewayBenchmarkReport> {
  const progress = options.progress ?? ((line: string) => console.error(`[bench] ${line}`));
  const print = options.print ?? ((text: string) => console.log(text));
  const { endpoints } = options;
  const logDir = mkdtempSync(join(tmpdir(), 'l3-bench-gateway-'));
  const run = newRunId();
  const topics = resolveTopicNames({
    ontologyChanges: `bench.gateway.${run}.changes`,
    actionLifecycle: `bench.gateway.${run}.lifecycle`,
    auditEvents: `bench.gateway.${run}.audit`,
  });
  const runTopics = [topics.ontologyChanges, topics.actionLifecycle, topics.auditEvents];
  const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers: [...endpoints.kafkaBrokers], clientId: APPLICATION_NAME, logLevel: KafkaJS.logLevel.ERROR } });
  const stops: (() => Promise<void>)[] = [];
  const nodeOptions = options.cpuProfileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`];
  let graph: BenchGraph | undefined;
  let failed = false;
  try {
    const seeded = Date.now();
    graph = await createBenchGraph(endpoints.postgresAdminUrl, APPLICATION_NAME, options.customers);
    progress(`database ${graph.name} seeded in ${((Date.now() - seeded) / 1000).toFixed(1)} s: tenant A ${graph.counts.A.objects} objects, ${graph.counts.A.links} links; tenant B ${graph.counts.B.objects} objects, ${graph.counts.B.links} links`);
    await ensureTopics(kafka, [
      { topic: topics.ontologyChanges, numPartitions: topicCatalog.ontologyChanges.partitions },
      { topic: topics.actionLifecycle, numPartitions: topicCatalog.actionLifecycle.partitions },
      { topic: topics.auditEvents, numPartitions: topicCatalog.auditEvents.partitions },
    ]);
    await registerContracts(endpoints.schemaRegistryUrl, topics);
    const identity = await startBenchIdentity();
    stops.push(() => identity.close());

    const gatewayPort = await freePort();
    const gateway = await startServerChild({
      name: 'gateway',
      script: 'gateway/main.ts',
      port: gatewayPort,
      readyPath: '/readyz',
      logFile: join(logDir, 'gateway.log'),
      nodeOptions,
      env: {
        DATABASE_URL: graph.urls.gateway,
        JWKS_URL: identity.jwksUrl,
        GATEWAY_MODE: 'production',
        GATEWAY_PORT: String(gatewayPort),
        // Fastify logs every request at info; neither server logs requests in the measurement.
        LOG_LEVEL: 'warn',
        KAFKA_BROKERS: endpoints.kafkaBrokers.join(','),
        SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
        L3_TOPIC_ONTOLOGY_CHANGES: topics.ontologyChanges,
        L3_TOPIC_ACTION_LIFECYCLE: topics.actionLifecycle,
        L3_TOPIC_AUDIT_EVENTS: topics.auditEvents,
      },
    });
    stops.push(() => gateway.stop());
    const environment = await describeEnvironment(endpoints, APPLICATION_NAME, 'the two servers and the load generator');

    let agreement: GatewayBenchmarkReport['agreement'] = { flat: { objects: 0, equal: false }, nested: { objects: 0, equal: false } };
    const measurements: QueryMeasurement[] = [];
    if (options.queries.length > 0) {
      const postgraphile = await startServerChild({
        name: 'postgraphile',
        script: 'loadtest/gateway/postgraphile-server.ts',
        logFile: join(logDir, 'postgraphile.log'),
        nodeOptions,
        env: { DATABASE_URL: graph.urls.gateway, JWKS_URL: identity.jwksUrl },
        portOf: (line) => {
          const match = /^\{"port":(\d+)\}$/.exec(line);
          return match === null ? undefined : Number(match[1]);
        },
      });
      stops.push(() => postgraphile.stop());
      const servers: Record<ServerName, ServerChild> = { gateway, postgraphile };
      const token = await identity.token(TENANT_A, ['operator'], 3600);
      agreement = await checkAgreement(servers, token, await identity.token(TENANT_B, ['operator'], 3600));
      progress(`both servers return the same data: flat ${agreement.flat.objects} objects, nested ${agreement.nested.objects} objects (tenant B's answers differ from A's, as RLS requires)`);
      for (let round = 1; round <= options.rounds; round++) {
        for (const query of options.queries) {
          // Which server goes first alternates, so neither always meets a cold or a tired machine.
          const order: ServerName[] = (round + (query === 'nested' ? 1 : 0)) % 2 === 1 ? ['gateway', 'postgraphile'] : ['postgraphile', 'gateway'];
          for (const server of order) {
            const body = JSON.stringify(server === 'gateway' ? GATEWAY_QUERIES[query] : POSTGRAPHILE_QUERIES[query]);
            const load = { url: servers[server].url, token, body, connections: options.connections };
            if (options.warmupSeconds > 0) await runLoad({ ...load, seconds: options.warmupSeconds });
            const cpuBefore = servers[server].cpuSeconds();
            const result = await runLoad({ ...load, seconds: options.durationSeconds });
            const cpu = servers[server].cpuSeconds() - cpuBefore;
            if (result.failures > 0) throw new Error(`${server} answered ${result.failures} ${query} requests with an error or not at all; log: ${servers[server].logFile}`);
            measurements.push({ query, server, round, run: result });
            progress(
              `round ${round}/${options.rounds} ${query} ${server}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms ` +
                `(${result.requests} requests; server CPU ${(cpu / options.durationSeconds).toFixed(2)} s/s; load ${loadavg()[0]!.toFixed(1)})`,
            );
          }
        }
      }
      await postgraphile.stop();
    }

    const subscriptionSteps: SubscriptionStep[] = [];
    if (options.subscriptions) {
      const serde = AvroSerde.connect(endpoints.schemaRegistryUrl);
      const producer = kafka.producer({ kafkaJS: { acks: -1 }, 'linger.ms': 0 });
      await producer.connect();
      stops.push(() => producer.disconnect());
      // Viewers and operators alternate: operators read Pump properties as they are, viewers
      // through redaction (the demo Pump has no sensitive property, so the answers are equal).
      const tokens = [await identity.token(TENANT_A, ['viewer'], 3600), await identity.token(TENANT_A, ['operator'], 3600)];
      const wsUrl = gateway.url.replace(/^http/, 'ws');
      for (const count of options.subscriberSteps) {
        const step = await measureSubscriptionStep({
          count,
          events: options.events,
          intervalMs: options.intervalMs,
          topic: topics.ontologyChanges,
          producer,
          serde,
          subscriberTenant: TENANT_A,
          otherTenant: TENANT_B,
          openSubscriber: (index) => openSubscriber(wsUrl, tokens[index % tokens.length]!, 'Pump'),
          progress,
        });
        subscriptionSteps.push(step);
        progress(
          `${count} subscribers: held ${step.held}, delivered ${step.delivered}/${step.expected}, other tenant's events received ${step.leaked}; ` +
            `latency p50 ${step.p50Ms.toFixed(1)} ms, p95 ${step.p95Ms.toFixed(1)} ms, p99 ${step.p99Ms.toFixed(1)} ms, max ${step.maxMs.toFixed(1)} ms`,
        );
        if (step.leaked > 0) throw new Error(`${step.leaked} events of another tenant reached subscribers`);
      }
    }

    const report = summarize(agreement, measurements, subscriptionSteps);
    print(renderReport(options, graph, environment, report));
    return report;
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => progress(`cleanup: ${(error as Error).message}`));
    if (graph !== undefined) await dropDatabase(endpoints.postgresAdminUrl, APPLICATION_NAME, graph.name).catch((error: unknown) => progress(`could not drop ${graph?.name}: ${(error as Error).message}`));
    await deleteKafkaLeftovers(kafka, runTopics, []).catch((error: unknown) => progress(`could not delete ${runTopics.join(', ')}: ${(error as Error).message}`));
    // Server logs are kept when a run failed, for the post-mortem.
    if (!failed) rmSync(logDir, { recursive: true, force: true });
    else progress(`server logs kept in ${logDir}`);
  }
}

/**
 * Both queries on both servers as tenant A must return the same objects in the same order (and
 * the flat query the same properties); tenant B's flat answer must be non-empty and differ from
 * A's on both servers (the same external ids, other properties): RLS filters both.
 */
async function checkAgreement(servers: Record<ServerName, ServerChild>, tokenA: string, tokenB: string): Promise<GatewayBenchmarkReport['agreement']> {
  const trees = async (server: ServerName, query: QueryName, token: string): Promise<Tree[]> => {
    const data = await post(servers[server], server === 'gateway' ? GATEWAY_QUERIES[query] : POSTGRAPHILE_QUERIES[query], token);
    return server === 'gateway' ? gatewayTrees(data) : postgraphileTrees(data);
  };
  const agreement: Record<QueryName, { objects: number; equal: boolean }> = { flat: { objects: 0, equal: false }, nested: { objects: 0, equal: false } };
  for (const query of ['flat', 'nested'] as const) {
    const ours = await trees('gateway', query, tokenA);
    const theirs = await trees('postgraphile', query, tokenA);
    if (ours.length === 0 || !isDeepStrictEqual(ours, theirs)) {
      throw new Error(`the servers disagree on the ${query} query: gateway ${JSON.stringify(ours).slice(0, 300)}…, PostGraphile ${JSON.stringify(theirs).slice(0, 300)}…`);
    }
    agreement[query] = { objects: countObjects(ours), equal: true };
  }
  const oursA = await trees('gateway', 'flat', tokenA);
  for (const server of ['gateway', 'postgraphile'] as const) {
    const b = await trees(server, 'flat', tokenB);
    if (b.length === 0 || isDeepStrictEqual(b, oursA)) throw new Error(`${server} does not answer tenant B with tenant B's objects`);
  }
  return agreement;
}

async function post(server: ServerChild, query: BenchQuery, token: string): Promise<Record<string, any>> {
  const response = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(query) });
  const body = (await response.json()) as { data?: Record<string, any>; errors?: unknown[] };
  if (!response.ok || body.errors !== undefined || body.data === undefined) throw new Error(`${server.name} answered ${response.status}: ${JSON.stringify(body).slice(0, 500)}`);
  return body.data;
}

function summarize(agreement: GatewayBenchmarkReport['agreement'], measurements: readonly QueryMeasurement[], steps: readonly SubscriptionStep[]): GatewayBenchmarkReport {
  const queries: Partial<Record<QueryName, QueryFigures>> = {};
  for (const query of ['flat', 'nested'] as const) {
    const of = (server: ServerName) => measurements.filter((m) => m.query === query && m.server === server).map((m) => m.run);
    if (of('gateway').length === 0) continue;
    const rps = (server: ServerName) => median(of(server).map((r) => r.requestsPerSecond));
    const p99 = (server: ServerName) => median(of(server).map((r) => r.p99Ms));
    queries[query] = {
      requestsPerSecond: { gateway: rps('gateway'), postgraphile: rps('postgraphile') },
      p99Ms: { gateway: p99('gateway'), postgraphile: p99('postgraphile') },
      ratio: rps('gateway') / rps('postgraphile'),
    };
  }
  const first = steps[0];
  const last = steps[steps.length - 1];
  return { agreement, measurements, queries, subscriptionSteps: steps, p95Ratio: first !== undefined && last !== undefined && steps.length > 1 ? last.p95Ms / first.p95Ms : undefined };
}

function renderReport(options: GatewayBenchmarkArgs, graph: BenchGraph, environment: string, report: GatewayBenchmarkReport): string {
  const lines = [
    '',
    `gateway benchmark: one database, tenant A ${graph.counts.A.objects} objects / ${graph.counts.A.links} links, tenant B ${graph.counts.B.objects} / ${graph.counts.B.links} (demo ontology);`,
    `  both servers as l3_gateway under RLS, pool 10, RS256 tokens from one key set; autocannon ${options.connections} connections, ${options.warmupSeconds} s warm-up + ${options.durationSeconds} s per run, ${options.rounds} round(s)`,
    environment,
    '',
  ];
  if (Object.keys(report.queries).length > 0) {
    lines.push(`${'query'.padEnd(42)}${'ours req/s'.padStart(11)}${'PG req/s'.padStart(10)}${'ours p99'.padStart(10)}${'PG p99'.padStart(9)}   ours/PG   target`);
    const describe: Record<QueryName, string> = {
      flat: `flat: 100 Pumps (${report.agreement.flat.objects} objects)`,
      nested: `nested: 20 Customers>Sites>Pumps (${report.agreement.nested.objects})`,
    };
    for (const query of ['flat', 'nested'] as const) {
      const figures = report.queries[query];
      if (figures === undefined) continue;
      lines.push(
        `${describe[query].padEnd(42)}${figures.requestsPerSecond.gateway.toFixed(0).padStart(11)}${figures.requestsPerSecond.postgraphile.toFixed(0).padStart(10)}` +
          `${`${figures.p99Ms.gateway} ms`.padStart(10)}${`${figures.p99Ms.postgraphile} ms`.padStart(9)}   ${`${figures.ratio.toFixed(2)}x`.padStart(7)}   >= 1.0x ${figures.ratio >= 1 ? 'PASS' : 'BELOW'}`,
      );
    }
    lines.push('  (both servers returned the same objects for both queries before timing)', '');
  }
  if (report.subscriptionSteps.length > 0) {
    lines.push(`${'subscribers'.padEnd(14)}${'held'.padStart(6)}${'delivered'.padStart(16)}${'p50'.padStart(10)}${'p95'.padStart(10)}${'p99'.padStart(10)}${'max'.padStart(10)}`);
    for (const step of report.subscriptionSteps) {
      lines.push(
        `${String(step.subscribers).padEnd(14)}${String(step.held).padStart(6)}${`${step.delivered}/${step.expected}`.padStart(16)}` +
          `${`${step.p50Ms.toFixed(1)} ms`.padStart(10)}${`${step.p95Ms.toFixed(1)} ms`.padStart(10)}${`${step.p99Ms.toFixed(1)} ms`.padStart(10)}${`${step.maxMs.toFixed(1)} ms`.padStart(10)}`,
      );
    }
    if (report.p95Ratio !== undefined) {
      const steps = report.subscriptionSteps;
      lines.push(`p95 at ${steps[steps.length - 1]!.subscribers} / p95 at ${steps[0]!.subscribers}    ${report.p95Ratio.toFixed(2)}x   target <= 3x ${report.p95Ratio <= 3 ? 'PASS' : 'BELOW'}`);
    }
    lines.push(`  (${options.events} events per step, one every ${options.intervalMs} ms, produced onto the gateway's changes topic; latency = arrival at the subscriber - occurredAt)`, '');
  }
  return lines.join('\n');
}

if (import.meta.main) {
  try {
    const args = parseGatewayBenchmarkArgs(process.argv.slice(2));
    // KAFKA_BROKERS, SCHEMA_REGISTRY_URL, L3_PG_ADMIN_URL (`bin/l3 stack env`), else the embedded stack's.
    const config = loadCliConfig();
    await runGatewayBenchmark({ ...args, endpoints: { postgresAdminUrl: config.postgresAdminUrl, kafkaBrokers: config.kafkaBrokers, schemaRegistryUrl: config.schemaRegistryUrl } });
  } catch (error) {
    console.error(`gateway-benchmark: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = error instanceof BenchmarkArgsError ? 2 : 1;
  }
}
