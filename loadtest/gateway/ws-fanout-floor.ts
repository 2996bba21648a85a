// The floor under the subscription benchmark's 2,000-subscriber step, on this machine: a bare
// `ws` server (no GraphQL, no Kafka, no auth) sends one pre-serialized message to N loopback
// WebSocket clients, and each client notes when it arrived. The p95 from the moment the server
// starts sending is what any single-process gateway that writes one message per subscriber
// cannot beat here; loadtest/README.md ("Subscriptions") compares it with the gateway's figure.
//
//   node loadtest/gateway/ws-fanout-floor.ts [--subscribers 10,2000] [--events 10] [--servers 1]
//
// The server runs as a child process (as the gateway does in the benchmark), the clients in this
// one. With --servers N, N server processes share the clients (round robin) and send at once: a
// gateway per core.
import { fork, type ChildProcess } from 'node:child_process';
import { parseArgs } from 'node:util';
import WebSocket, { WebSocketServer } from 'ws';
import { percentile } from '../support/stats.ts';

const SERVER_FLAG = '--fanout-server';

// CLOCK_MONOTONIC, the same clock in every process of the machine (performance.timeOrigin is
// taken per process, and two processes' origins disagree by up to a millisecond).
const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/** A message of the size of an objectChanged event, built once and sent to every socket. */
function eventBytes(sentAt: number): Buffer {
  const data = { objectChanged: { eventId: '0'.repeat(36), type: 'Pump', externalId: 'p-1', op: 'UPSERT', version: 3, properties: { serial: 'SN-1', ratedKw: 7.5, site: 's1' }, redacted: [], occurredAt: new Date().toISOString() } };
  return Buffer.from(JSON.stringify({ id: '1', type: 'next', payload: { data }, sentAt }));
}

function runServer(): void {
  const sockets = new Set<WebSocket>();
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('listening', () => process.send!({ port: (server.address() as { port: number }).port }));
  process.on('message', (message: { send?: boolean }) => {
    if (!message.send) return;
    const sentAt = nowMs();
    const bytes = eventBytes(sentAt);
    const cpu = process.cpuUsage();
    for (const socket of sockets) socket.send(bytes, { binary: false });
    const used = process.cpuUsage(cpu);
    process.send!({ cpuMicros: used.user + used.system, sockets: sockets.size });
  });
}

interface StepResult {
  readonly subscribers: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly cpuMicrosPerMessage: number;
}

interface FanoutServer {
  readonly child: ChildProcess;
  readonly port: number;
}

async function step(servers: readonly FanoutServer[], subscribers: number, events: number): Promise<StepResult> {
  const latencies: number[] = [];
  let arrived = 0;
  const clients = await Promise.all(
    Array.from({ length: subscribers }, (_, index) => {
      const client = new WebSocket(`ws://127.0.0.1:${servers[index % servers.length]!.port}`);
      client.on('message', (data: Buffer) => {
        const now = nowMs();
        latencies.push(now - (JSON.parse(data.toString('utf8')) as { sentAt: number }).sentAt);
        arrived += 1;
      });
      return new Promise<WebSocket>((resolve, reject) => client.once('open', () => resolve(client)).once('error', reject));
    }),
  );
  let cpuMicros = 0;
  for (let event = 0; event < events; event++) {
    const expected = arrived + subscribers;
    const sent = servers.map(({ child }) => new Promise<{ cpuMicros: number }>((resolve) => child.once('message', resolve)));
    for (const { child } of servers) child.send({ send: true });
    for (const report of await Promise.all(sent)) cpuMicros += report.cpuMicros;
    while (arrived < expected) await new Promise((resolve) => setTimeout(resolve, 2));
  }
  for (const client of clients) client.terminate();
  return { subscribers, p50Ms: percentile(latencies, 50), p95Ms: percentile(latencies, 95), cpuMicrosPerMessage: cpuMicros / (events * subscribers) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { subscribers: { type: 'string', default: '10,2000' }, events: { type: 'string', default: '10' }, servers: { type: 'string', default: '1' } } });
  const steps = values.subscribers.split(',').map(Number);
  const events = Number(values.events);
  const serverCount = Number(values.servers);
  if (steps.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(events) || events < 1 || !Number.isInteger(serverCount) || serverCount < 1 || serverCount > 16) {
    console.error('usage: node loadtest/gateway/ws-fanout-floor.ts [--subscribers N,N] [--events E] [--servers 1..16] (positive integers)');
    process.exit(2);
  }
  const children = Array.from({ length: serverCount }, () => fork(import.meta.filename, [SERVER_FLAG]));
  try {
    const servers = await Promise.all(children.map(async (child) => ({ child, port: (await new Promise<{ port: number }>((resolve) => child.once('message', resolve))).port })));
    const results: StepResult[] = [];
    // Each step gets its own connections (the servers forget the closed ones).
    for (const subscribers of steps) results.push(await step(servers, subscribers, events));
    console.log(`bare ws fan-out, ${events} events per step, one pre-serialized message per subscriber and event, ${serverCount} server process(es)`);
    console.log(`${'subscribers'.padEnd(12)}${'p50'.padStart(10)}${'p95'.padStart(10)}${'server CPU/message'.padStart(22)}`);
    for (const r of results) console.log(`${String(r.subscribers).padEnd(12)}${`${r.p50Ms.toFixed(1)} ms`.padStart(10)}${`${r.p95Ms.toFixed(1)} ms`.padStart(10)}${`${r.cpuMicrosPerMessage.toFixed(1)} µs`.padStart(22)}`);
    const first = results[0]!;
    const last = results.at(-1)!;
    if (results.length > 1) console.log(`p95 at ${last.subscribers} / p95 at ${first.subscribers}: ${(last.p95Ms / first.p95Ms).toFixed(1)}x`);
  } finally {
    for (const child of children) child.kill();
  }
}

if (process.argv.includes(SERVER_FLAG)) runServer();
else await main();
