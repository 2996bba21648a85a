// `l3 stack up|down|status|reset|logs|env`: manage the embedded stack.
import { loadStackConfig } from '../stack/config.ts';
import { EmbeddedStack } from '../stack/stack.ts';
import { CliError } from './cli-error.ts';

export function openStack(): EmbeddedStack {
  return new EmbeddedStack(loadStackConfig(), (line) => console.error(`[stack] ${line}`));
}

export async function stackCommand(args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  const stack = openStack();
  switch (verb) {
    case 'up': {
      const started = Date.now();
      const endpoints = await stack.up();
      console.error(`[stack] up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      printEnv(endpoints);
      return 0;
    }
    case 'down':
      await stack.down();
      console.error('[stack] down');
      return 0;
    case 'reset':
      await stack.reset();
      console.error('[stack] reset: data and logs deleted (tools kept)');
      return 0;
    case 'status': {
      const statuses = await stack.status();
      for (const s of statuses) {
        console.log(`${s.name.padEnd(9)} ${(s.running ? 'running' : s.pid ? 'starting' : 'stopped').padEnd(8)} pid=${String(s.pid ?? '-').padEnd(8)} ports=${s.ports.join(',').padEnd(12)} log=${s.logFile}`);
      }
      return statuses.every((s) => s.running) ? 0 : 3;
    }
    case 'logs': {
      let lines = 50;
      let service: string | undefined;
      for (let i = 0; i < rest.length; i++) {
        if (rest[i] === '-n') lines = Number(rest[++i]);
        else service = rest[i];
      }
      if (!Number.isInteger(lines) || lines <= 0) throw new CliError('USAGE', '-n needs a positive number of lines');
      console.log(stack.logTail(service, lines));
      return 0;
    }
    case 'env':
      printEnv(stack.endpoints());
      return 0;
    default:
      throw new CliError('USAGE', `unknown stack verb "${verb ?? ''}"; use up, down, status, reset, logs or env`);
  }
}

function printEnv(endpoints: ReturnType<EmbeddedStack['endpoints']>): void {
  console.log(`L3_PG_ADMIN_URL=${endpoints.postgresAdminUrl}`);
  console.log(`KAFKA_BROKERS=${endpoints.kafkaBrokers}`);
  console.log(`SCHEMA_REGISTRY_URL=${endpoints.schemaRegistryUrl}`);
}
