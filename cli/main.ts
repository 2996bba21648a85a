// `bin/l3`: the project's command line. Each command lives in its own module; this file only
// dispatches, and is the one place that turns an error into a message and an exit status.
import { StackError } from '../stack/errors.ts';
import { CliError } from './cli-error.ts';

interface Command {
  readonly summary: string;
  readonly run: (args: string[]) => Promise<number | void>;
}

const commands: Record<string, Command> = {
  up: { summary: 'run the platform: embedded stack, processors, gateway and the demo tenant (foreground)', run: async (args) => (await import('./platform-command.ts')).platformUp(args) },
  down: { summary: 'stop the embedded stack', run: async () => (await import('./stack-command.ts')).stackCommand(['down']) },
  test: { summary: 'run the whole test suite against the embedded stack (tap args pass through)', run: async (args) => (await import('./test-command.ts')).testCommand(args) },
  stack: { summary: 'embedded stack: up | down | status | reset | logs [service] [-n lines] | env', run: async (args) => (await import('./stack-command.ts')).stackCommand(args) },
  db: { summary: 'database: migrate [--database-url URL] | provision', run: async (args) => (await import('./db-command.ts')).dbCommand(args) },
  contracts: { summary: 'contracts: codegen [--check] | register | compat <schema.avsc> [subject] | topics', run: async (args) => (await import('./contracts-command.ts')).contractsCommand(args) },
  ontology: { summary: 'ontology as code: validate <file> | publish <file> [--actor name]', run: async (args) => (await import('./ontology-command.ts')).ontologyCommand(args) },
  actions: { summary: 'governed actions: propose | approve | reject | cancel <proposalId> | show <proposalId>', run: async (args) => (await import('./actions-command.ts')).actionsCommand(args) },
  audit: { summary: 'audit chain: verify | checkpoint export | checkpoint verify | keygen', run: async (args) => (await import('./audit-command.ts')).auditCommand(args) },
  bench: { summary: 'benchmarks: materializer [--events N] [--rounds R] | governance [--proposals N] [--events N] [--rounds R] | gateway [--duration S] [--subscribers N,N]', run: async (args) => (await import('./bench-command.ts')).benchCommand(args) },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  return ['usage: bin/l3 <command> [args]', '', ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`l3: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    const status = await command.run(args);
    return typeof status === 'number' ? status : 0;
  } catch (error) {
    if (error instanceof StackError) {
      console.error(`l3: error [${error.code}]: ${error.message}${error.logFile ? `\n  log: ${error.logFile}` : ''}`);
      return 1;
    }
    if (error instanceof CliError) {
      console.error(`l3: error [${error.code}]: ${error.message}`);
      return error.exitStatus;
    }
    console.error('l3: unexpected error:', error);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
