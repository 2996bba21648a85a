// Command-line parsing shared by the benchmarks: strict options, errors that carry the usage line.
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

/** A bad command line: the benchmark's entry point exits 2 on it (1 on any other failure). */
export class BenchmarkArgsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchmarkArgsError';
  }
}

/** The option values of `args`; no positionals, no unknown options. */
export function parseBenchmarkOptions<const O extends ParseArgsOptionsConfig>(args: readonly string[], options: O, usage: string) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new BenchmarkArgsError(`${(error as Error).message}; usage: ${usage}`);
  }
}

/** The integer option `--name` given as `raw`, within [min, max]. */
export function integerOption(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new BenchmarkArgsError(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}
