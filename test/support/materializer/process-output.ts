// What a materializer child process writes on stdout, kept apart from stderr (the harness's log
// file mixes the two), and read as the JSON lines the runtime logger promises.
import type { MaterializerProcess } from './harness.ts';

export interface StdoutCapture {
  /** Everything written so far. */
  text(): string;
}

/** Call right after MaterializerProcess.start, before the event loop turns, to miss nothing. */
export function captureStdout(instance: MaterializerProcess): StdoutCapture {
  const chunks: Buffer[] = [];
  instance.child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { text: () => Buffer.concat(chunks).toString('utf8') };
}

export interface LogLine {
  readonly level: string;
  readonly time: string;
  readonly service: string;
  readonly msg?: string;
  readonly [field: string]: unknown;
}

/** Parses every complete line; a line that is not a JSON object is returned in `invalid`. */
export function parseLogLines(text: string): { lines: LogLine[]; invalid: string[] } {
  const lines: LogLine[] = [];
  const invalid: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) invalid.push(line);
      else lines.push(parsed as LogLine);
    } catch {
      invalid.push(line);
    }
  }
  return { lines, invalid };
}
