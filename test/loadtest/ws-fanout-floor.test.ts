// The bare WebSocket fan-out floor (loadtest/gateway/ws-fanout-floor.ts) in a tiny mode: it runs,
// every step delivers, and the table has a figure per step. No assertion on a time (STYLE 10).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';

const SCRIPT = join(import.meta.dirname, '../../loadtest/gateway/ws-fanout-floor.ts');
const run = promisify(execFile);

t.test('a tiny run prints p50, p95 and CPU per message for each step, and the ratio', async (t) => {
  const { stdout } = await run(process.execPath, [SCRIPT, '--subscribers', '2,20', '--events', '3'], { timeout: 120_000 });
  t.match(stdout, /^2\s+\d+\.\d ms\s+\d+\.\d ms\s+\d+\.\d µs$/m);
  t.match(stdout, /^20\s+\d+\.\d ms\s+\d+\.\d ms\s+\d+\.\d µs$/m);
  t.match(stdout, /p95 at 20 \/ p95 at 2: \d+\.\dx/);
});

t.test('two server processes share the clients', async (t) => {
  const { stdout } = await run(process.execPath, [SCRIPT, '--subscribers', '7', '--events', '2', '--servers', '2'], { timeout: 120_000 });
  t.match(stdout, /2 server process\(es\)/);
  t.match(stdout, /^7\s+\d+\.\d ms\s+\d+\.\d ms\s+\d+\.\d µs$/m);
});

t.test('bad options: usage on stderr, exit status 2', async (t) => {
  const failed = await run(process.execPath, [SCRIPT, '--subscribers', '0'], { timeout: 60_000 }).catch((error: { code: number; stderr: string }) => error);
  t.equal((failed as { code: number }).code, 2);
  t.match((failed as { stderr: string }).stderr, /usage: node loadtest\/gateway\/ws-fanout-floor.ts/);
});
