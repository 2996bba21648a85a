// `l3 bench materializer [--events N] [--rounds R]` | `l3 bench governance [--proposals N]` |
// `l3 bench gateway [--duration S] [--subscribers 10,2000]`: benchmarks (loadtest/README.md). Each prints
// its figures next to baselines measured in the same run (STYLE point 10); none is a test. Brings
// the embedded stack up first, like `l3 test`.
import { CliError } from './cli-error.ts';
import { openStack } from './stack-command.ts';

export async function benchCommand(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  const benchmark = await import('../loadtest/materializer-benchmark.ts');
  const governance = await import('../loadtest/governance-benchmark.ts');
  const gateway = await import('../loadtest/gateway-benchmark.ts');
  if (name === 'gateway') {
    let parsedGateway: ReturnType<typeof gateway.parseGatewayBenchmarkArgs>;
    try {
      parsedGateway = gateway.parseGatewayBenchmarkArgs(rest);
    } catch (error) {
      if (error instanceof gateway.BenchmarkArgsError) throw new CliError('USAGE', error.message);
      throw error;
    }
    const endpoints = await openStack().up();
    await gateway.runGatewayBenchmark({
      ...parsedGateway,
      endpoints: { postgresAdminUrl: endpoints.postgresAdminUrl, kafkaBrokers: endpoints.kafkaBrokers.split(','), schemaRegistryUrl: endpoints.schemaRegistryUrl },
    });
    return 0;
  }
  if (name === 'governance') {
    let parsedGovernance: ReturnType<typeof governance.parseGovernanceBenchmarkArgs>;
    try {
      parsedGovernance = governance.parseGovernanceBenchmarkArgs(rest);
    } catch (error) {
      if (error instanceof governance.BenchmarkArgsError) throw new CliError('USAGE', error.message);
      throw error;
    }
    const endpoints = await openStack().up();
    await governance.runGovernanceBenchmark({
      ...parsedGovernance,
      endpoints: { postgresAdminUrl: endpoints.postgresAdminUrl, kafkaBrokers: endpoints.kafkaBrokers.split(','), schemaRegistryUrl: endpoints.schemaRegistryUrl },
    });
    return 0;
  }
  if (name !== 'materializer') {
    throw new CliError('USAGE', `unknown benchmark "${name ?? ''}"; usage: bin/l3 bench ${benchmark.BENCHMARK_USAGE}\n       bin/l3 bench ${governance.GOVERNANCE_BENCHMARK_USAGE}\n       bin/l3 bench ${gateway.GATEWAY_BENCHMARK_USAGE}`);
  }
  let parsed: ReturnType<typeof benchmark.parseBenchmarkArgs>;
  try {
    parsed = benchmark.parseBenchmarkArgs(rest);
  } catch (error) {
    if (error instanceof benchmark.BenchmarkArgsError) throw new CliError('USAGE', error.message);
    throw error;
  }
  const endpoints = await openStack().up();
  await benchmark.runMaterializerBenchmark({
    ...parsed,
    endpoints: { postgresAdminUrl: endpoints.postgresAdminUrl, kafkaBrokers: endpoints.kafkaBrokers.split(','), schemaRegistryUrl: endpoints.schemaRegistryUrl },
  });
  return 0;
}
