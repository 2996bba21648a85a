// The embedded stack's own command, run as a user would (bin/l3 stack ...), on a second stack with
// its own data folder and ports, sharing only the downloaded tools with the main one.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';

const root = join(import.meta.dirname, '../..');
const stackDir = mkdtempSync(join(tmpdir(), 'l3-stack-lifecycle-'));
// Ports of their own, away from the main stack's and from the defaults, and below Linux's
// ephemeral range (32768-60999): a port in it can be the local end of any outgoing connection
// (once it was the main broker's own connection to its controller), and then "up" fails with
// PORT_TAKEN although nothing listens there.
const ports = { L3_PG_PORT: '26532', L3_KAFKA_PORT: '26592', L3_KAFKA_CONTROLLER_PORT: '26593', L3_REGISTRY_PORT: '26581' };
const env = {
  ...process.env,
  ...ports,
  L3_STACK_DIR: stackDir,
  L3_STACK_TOOLS_DIR: join(root, '.stack', 'tools'),
  L3_STACK_CACHE_DIR: join(root, '.stack', 'cache'),
};
// The Postgres OS user must reach the data folder: mkdtemp makes it 0700.
spawnSync('chmod', ['755', stackDir]);

function l3(...args: string[]) {
  const result = spawnSync(join(root, 'bin', 'l3'), ['stack', ...args], { encoding: 'utf8', env, timeout: 600_000 });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

/** Live (non-zombie) processes whose command line mentions this stack's folder. */
function processesOfThisStack(): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1];
      if (state !== 'Z' && cmdline.includes(stackDir)) found.push(`${entry}: ${cmdline.slice(0, 120)}`);
    } catch {
      /* the process ended while we looked */
    }
  }
  return found;
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: Number(port) }, () => resolve(server));
  });
}

t.teardown(() => {
  l3('down');
  rmSync(stackDir, { recursive: true, force: true });
});

t.test('up with a port already taken fails with a message naming the port, the service and the log', async (t) => {
  const squatter = await listen(Number(ports.L3_PG_PORT));
  t.teardown(() => new Promise<void>((done) => squatter.close(() => done())));
  const result = l3('up');
  t.equal(result.status, 1);
  t.match(result.out, /PORT_TAKEN/);
  t.match(result.out, `port ${ports.L3_PG_PORT}`);
  t.match(result.out, /postgres cannot start/);
  t.match(result.out, join(stackDir, 'logs', 'postgres.log'));
  t.same(processesOfThisStack(), [], 'nothing was left running');
});

t.test('up, up again (a no-op), status, a registry that keeps its schemas, and down leaving nothing behind', async (t) => {
  const first = l3('up');
  t.equal(first.status, 0, first.out);
  t.match(first.out, `SCHEMA_REGISTRY_URL=http://127.0.0.1:${ports.L3_REGISTRY_PORT}/apis/ccompat/v7`);
  const pidsBefore = processesOfThisStack();
  t.ok(pidsBefore.length >= 3, 'postgres, kafka and the registry run');

  const second = l3('up');
  t.equal(second.status, 0, second.out);
  for (const service of ['postgres', 'kafka', 'registry']) t.match(second.out, `${service}: already running`);
  t.notMatch(second.out, /starting/);
  t.same(processesOfThisStack(), pidsBefore, 'the second up started nothing');

  const status = l3('status');
  t.equal(status.status, 0);
  t.match(status.out, /postgres\s+running/);
  t.match(status.out, /kafka\s+running/);
  t.match(status.out, /registry\s+running/);

  // Records in Kafka carry schema ids: the registry must still know them after a restart.
  const registry = `http://127.0.0.1:${ports.L3_REGISTRY_PORT}/apis/ccompat/v7`;
  const schema = JSON.stringify({ type: 'record', name: 'Kept', fields: [{ name: 'a', type: 'string' }] });
  const registered = await fetch(`${registry}/subjects/kept-value/versions`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ schema }),
  });
  const { id } = (await registered.json()) as { id: number };
  t.equal(l3('down').status, 0);
  t.same(processesOfThisStack(), [], 'down leaves no process behind');
  const stopped = l3('status');
  t.equal(stopped.status, 3, 'status is non-zero when the stack is down');
  t.match(stopped.out, /registry\s+stopped/);

  const again = l3('up');
  t.equal(again.status, 0, again.out);
  const fetched = await fetch(`${registry}/schemas/ids/${id}`);
  t.equal(fetched.status, 200, 'the schema id survives a restart');
  t.equal(JSON.parse(((await fetched.json()) as { schema: string }).schema).name, 'Kept');
  t.equal(l3('down').status, 0);
  t.same(processesOfThisStack(), []);
});
