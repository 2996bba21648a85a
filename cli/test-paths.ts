// `l3 test test/gateway/`: tap matches file arguments against its include pattern and finds no
// test files in a folder name, so folders are expanded here into the *.test.ts files under them.
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { CliError } from './cli-error.ts';

export function expandTestPaths(args: readonly string[], cwd: string): string[] {
  return args.flatMap((arg) => {
    if (arg.startsWith('-')) return [arg];
    const path = resolve(cwd, arg);
    let isDirectory = false;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      return [arg]; // not a path (an option's value, a glob): tap's to interpret
    }
    if (!isDirectory) return [arg];
    const files = (readdirSync(path, { recursive: true }) as string[]).filter((file) => file.endsWith('.test.ts')).sort();
    if (files.length === 0) throw new CliError('USAGE', `no *.test.ts files under ${arg}`);
    return files.map((file) => relative(cwd, join(path, file)));
  });
}
