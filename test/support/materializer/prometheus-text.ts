// Reads a processor's /metrics (Prometheus text exposition format 0.0.4) into samples, so tests can
// assert on values by metric name and labels instead of matching lines.

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  readonly samples: readonly Sample[];
  /** Metric families declared by a `# TYPE` line (present even before a labelled series exists). */
  readonly families: ReadonlyMap<string, string>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePrometheusText(text: string): Exposition {
  const samples: Sample[] = [];
  const families = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(/\s+/);
      if (name !== undefined && type !== undefined) families.set(name, type);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (match === null) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(LABEL)) {
      labels[name!] = value!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return { samples, families };
}

/** The samples named `name` whose labels include every label of `where`. */
export function samplesOf(exposition: Exposition, name: string, where: Readonly<Record<string, string>> = {}): Sample[] {
  return exposition.samples.filter((sample) => sample.name === name && Object.entries(where).every(([label, value]) => sample.labels[label] === value));
}

/** The sum of samplesOf(...); 0 when there is none. */
export function sumOf(exposition: Exposition, name: string, where: Readonly<Record<string, string>> = {}): number {
  return samplesOf(exposition, name, where).reduce((sum, sample) => sum + sample.value, 0);
}

export async function scrapeMetrics(healthUrl: string): Promise<Exposition> {
  const response = await fetch(`${healthUrl}/metrics`);
  if (response.status !== 200) throw new Error(`GET ${healthUrl}/metrics answered ${response.status}`);
  return parsePrometheusText(await response.text());
}
