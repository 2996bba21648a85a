// Reads a running materializer's counters from its /metrics endpoint (Prometheus text format),
// so a test can tell what each of several instances did.

/** The sum of every series of `name` (all label sets), or 0 when the metric has no series yet. */
export async function metricTotal(healthUrl: string, name: string): Promise<number> {
  const response = await fetch(`${healthUrl}/metrics`);
  if (!response.ok) throw new Error(`GET ${healthUrl}/metrics answered ${response.status}`);
  return sumSeries(await response.text(), name);
}

function sumSeries(exposition: string, name: string): number {
  let total = 0;
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#')) continue;
    // `name{labels} value` or `name value`; a longer name with the same prefix must not match.
    const match = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{.*\})?\s+(\S+)/.exec(line);
    if (match?.[1] === name) total += Number(match[3]);
  }
  return total;
}
