// gateway/main.ts as a process: a bad configuration exits 78 naming the variable; a good one
// listens, serves, and on SIGTERM stops in order with exit status 0.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { TEST_JWT_SECRET, tokenFor } from '../support/gateway/tokens.ts';
import { seedTwoTenants, TENANT_A } from '../support/gateway/two-tenants.ts';

const MAIN = fileURLToPath(new URL('../../gateway/main.ts', import.meta.url));

interface Run {
  readonly lines: Record<string, unknown>[];
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
  waitFor(message: string): Promise<Record<string, unknown>>;
  kill(signal: NodeJS.Signals): void;
}

function run(env: Record<string, string>): Run {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  let buffer = '';
  const waiters: { message: string; resolve: (line: Record<string, unknown>) => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffer.slice(0, newline)) as Record<string, unknown>;
      buffer = buffer.slice(newline + 1);
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.message === line.msg)) waiter.resolve(line);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    lines,
    stderr: () => stderr,
    exited,
    waitFor: (message) =>
      new Promise((resolve, reject) => {
        const found = lines.find((line) => line.msg === message);
        if (found) return resolve(found);
        waiters.push({ message, resolve });
        void exited.then((code) => reject(new Error(`exited with ${code} before "${message}": ${stderr}`)));
      }),
    kill: (signal) => child.kill(signal),
  };
}

t.test('a bad configuration exits with 78 and names the variable', async (t) => {
  const gateway = run({ DATABASE_URL: 'postgres://x@127.0.0.1/x', GATEWAY_MODE: 'development', JWT_SECRET: TEST_JWT_SECRET, GATEWAY_MAX_DEPTH: 'very' });
  t.equal(await gateway.exited, 78);
  t.match(gateway.stderr(), /^gateway: invalid configuration: GATEWAY_MAX_DEPTH must be an integer/);
});

t.test('listens, serves, and stops in order on SIGTERM', async (t) => {
  const seeded = await seedTwoTenants(t);
  const gateway = run({ DATABASE_URL: seeded.db.gateway, GATEWAY_MODE: 'development', JWT_SECRET: TEST_JWT_SECRET, GATEWAY_PORT: '0', LOG_LEVEL: 'info' });
  t.teardown(() => gateway.kill('SIGKILL'));
  const listening = await gateway.waitFor('gateway listening');
  const url = `http://127.0.0.1:${listening.port}`;
  t.equal((await fetch(`${url}/livez`)).status, 200);
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenFor(TENANT_A)}` },
    body: JSON.stringify({ query: '{ viewer { tenantId } }' }),
  });
  t.same(await response.json(), { data: { viewer: { tenantId: TENANT_A } } });
  gateway.kill('SIGTERM');
  t.equal(await gateway.exited, 0);
  t.ok(gateway.lines.some((line) => line.msg === 'shutdown complete'), 'logged its orderly stop');
});
