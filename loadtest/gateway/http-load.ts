// One timed HTTP load run against a GraphQL server: autocannon (MIT; k6 is AGPL, ADR 0006) with
// a fixed number of connections, each sending the next request as soon as its answer arrived.
import { createRequire } from 'node:module';

// autocannon ships no type declarations; this is the part of its API the benchmark uses.
interface AutocannonResult {
  readonly requests: { readonly average: number; readonly total: number };
  readonly latency: { readonly p50: number; readonly p99: number; readonly average: number; readonly max: number };
  readonly duration: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly '2xx': number;
}
type Autocannon = (options: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface LoadRun {
  /** Answered requests per second (2xx only). */
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  /** Errors, timeouts and non-2xx answers: any makes the run's figures meaningless. */
  readonly failures: number;
}

export interface LoadOptions {
  readonly url: string;
  readonly token: string;
  readonly body: string;
  readonly connections: number;
  readonly seconds: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadRun> {
  const result = await autocannon({
    url: options.url,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
    body: options.body,
    connections: options.connections,
    duration: options.seconds,
    timeout: 10,
  });
  const ok = result['2xx'];
  return {
    requestsPerSecond: ok / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: ok,
    failures: result.errors + result.timeouts + result.non2xx,
  };
}
