// Where a benchmark finds the stack it runs against (`bin/l3 stack env`, else the embedded stack's).

export interface BenchmarkEndpoints {
  readonly postgresAdminUrl: string;
  readonly kafkaBrokers: readonly string[];
  readonly schemaRegistryUrl: string;
}
