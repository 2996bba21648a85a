// `l3 test`: the whole suite against the real services. Brings the embedded stack up (installing
// what it needs), makes sure topics and schemas exist, runs tap, and ends with one plain summary
// line ("N passed, N failed") that CI and people can read.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { registerContracts } from '../contracts/registry/register-contracts.ts';
import { CliError } from './cli-error.ts';
import { createTopics } from './create-topics.ts';
import { openStack } from './stack-command.ts';
import { expandTestPaths } from './test-paths.ts';

export async function testCommand(tapArgs: string[]): Promise<number> {
  const started = Date.now();
  const stack = openStack();
  const endpoints = await stack.up();
  const stackSeconds = (Date.now() - started) / 1000;
  console.error(`[test] stack ready in ${stackSeconds.toFixed(1)} s`);
  await createTopics(endpoints.kafkaBrokers.split(','));
  await registerContracts(endpoints.schemaRegistryUrl);

  const env = {
    ...process.env,
    L3_PG_ADMIN_URL: endpoints.postgresAdminUrl,
    KAFKA_BROKERS: endpoints.kafkaBrokers,
    SCHEMA_REGISTRY_URL: endpoints.schemaRegistryUrl,
  };
  const tapBin = new URL('../node_modules/.bin/tap', import.meta.url).pathname;
  const child = spawn(tapBin, ['--reporter=tap', ...expandTestPaths(tapArgs, stack.config.projectRoot)], { env, stdio: ['ignore', 'pipe', 'inherit'], cwd: stack.config.projectRoot });
  let totals: { total: number; pass: number; fail: number; skip: number; todo: number } | undefined;
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    console.log(line);
    // tap's closing line: "# { total: 25, pass: 24, fail: 1 }" (keys absent when zero).
    const match = /^# \{ (total: \d+.*) \}$/.exec(line);
    if (match) {
      const counts = Object.fromEntries(match[1]!.split(', ').map((pair) => pair.split(': ')).map(([k, v]) => [k, Number(v)]));
      totals = { total: counts.total ?? 0, pass: counts.pass ?? 0, fail: counts.fail ?? 0, skip: counts.skip ?? 0, todo: counts.todo ?? 0 };
    }
  });
  const exitStatus = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  if (!totals) throw new CliError('TESTS_FAILED', `tap exited with ${exitStatus} without a summary (after ${minutes} min)`);
  if (totals.total === 0) throw new CliError('TESTS_FAILED', 'no test ran');
  console.log(`\n${totals.pass} passed, ${totals.fail} failed${totals.skip + totals.todo > 0 ? `, ${totals.skip + totals.todo} skipped` : ''}`);
  console.error(`[test] total ${minutes} min (stack start ${stackSeconds.toFixed(1)} s)`);
  return exitStatus === 0 && totals.fail === 0 ? 0 : 1;
}
