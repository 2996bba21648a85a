// Compares the changes topic with the fold: the same applied changes (key, op, version), each
// once, and per key in increasing version order as they sit on the topic.
import type { OntologyChanged } from '../../../contracts/generated/ontology-changed.ts';
import type { FoldedChange } from './reference-fold.ts';

type Published = OntologyChanged & { key: string; partition: number; offset: number };

export function checkChangesMatchFold(expected: readonly FoldedChange[], published: readonly Published[]): string[] {
  const problems: string[] = [];
  const signature = (key: string, op: string, version: number) => `${key}|${op}|${version}`;
  const want = new Map<string, number>();
  for (const change of expected) {
    const s = signature(change.key, change.op, change.version);
    want.set(s, (want.get(s) ?? 0) + 1);
  }
  const got = new Map<string, number>();
  for (const change of published) {
    if (change.key !== `${change.tenantId}:${change.entityId}`) problems.push(`record key ${change.key} does not match ${change.tenantId}:${change.entityId}`);
    const s = signature(change.key, change.op, change.version);
    got.set(s, (got.get(s) ?? 0) + 1);
  }
  for (const [s, n] of want) if (got.get(s) !== n) problems.push(`${s}: expected ${n}, published ${got.get(s) ?? 0}`);
  for (const [s, n] of got) if (!want.has(s)) problems.push(`${s}: published ${n} times, never applied`);
  // Per key: one partition, and versions strictly increasing in offset order.
  const byKey = new Map<string, Published[]>();
  for (const change of published) {
    const list = byKey.get(change.key) ?? [];
    list.push(change);
    byKey.set(change.key, list);
  }
  for (const [key, list] of byKey) {
    if (new Set(list.map((c) => c.partition)).size > 1) problems.push(`${key}: spread over several partitions`);
    const ordered = [...list].sort((a, b) => a.offset - b.offset);
    for (let i = 1; i < ordered.length; i++) {
      if (ordered[i]!.version <= ordered[i - 1]!.version) problems.push(`${key}: version ${ordered[i]!.version} after ${ordered[i - 1]!.version}`);
    }
  }
  return problems;
}
