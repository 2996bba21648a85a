// The audit chain verifier (ARCHITECTURE §7): recomputes a tenant's chain from its rows and
// reports the first bad row. Pure: the CLI and the gateway read the rows, this judges them.
import { chainHash, GENESIS_HASH } from './audit-chain.ts';

/** One audit_events row as read, in the order read (ORDER BY seq). */
export interface ChainRow {
  readonly seq: number;
  readonly prevHash: string;
  readonly hash: string;
  readonly event: unknown;
}

export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

export type ChainVerification =
  | { readonly ok: true; readonly length: number; readonly head: ChainHead | null }
  | { readonly ok: false; readonly firstBadSeq: number; readonly reason: string };

/**
 * Verifies `rows` as a tenant's chain from seq 1, or, with `after`, as the continuation of a
 * prefix already verified up to `after` (so a long chain can be read and checked in pages);
 * `length` then counts the whole chain up to the last row. Checks, row by row, and stops at the
 * first failure:
 * 1. seq is the expected one (1, 2, 3, ...): a gap, a duplicate or rows out of order are
 *    reported at the first position whose seq differs, as that position's expected seq;
 * 2. prevHash is the previous row's hash (the genesis hash, 64 zeros, for seq 1);
 * 3. hash is sha256(prevHash || JCS(event)): an edited event or a forged hash fails here.
 */
export function verifyChain(rows: readonly ChainRow[], after: ChainHead | null = null): ChainVerification {
  let expectedSeq = (after?.seq ?? 0) + 1;
  let expectedPrev = after?.hash ?? GENESIS_HASH;
  for (const row of rows) {
    if (row.seq !== expectedSeq) {
      return { ok: false, firstBadSeq: expectedSeq, reason: seqReason(expectedSeq, row.seq) };
    }
    if (row.prevHash !== expectedPrev) {
      const previous = expectedSeq === 1 ? 'the genesis hash' : `the hash of seq ${expectedSeq - 1} (${expectedPrev})`;
      return { ok: false, firstBadSeq: row.seq, reason: `prev_hash ${row.prevHash} is not ${previous}` };
    }
    let recomputed: string;
    try {
      recomputed = chainHash(row.prevHash, row.event);
    } catch (error) {
      return { ok: false, firstBadSeq: row.seq, reason: `event cannot be canonicalized: ${(error as Error).message}` };
    }
    if (row.hash !== recomputed) {
      return { ok: false, firstBadSeq: row.seq, reason: `hash ${row.hash} does not match sha256(prev_hash || JCS(event)) = ${recomputed}: the event or its hash was altered` };
    }
    expectedSeq += 1;
    expectedPrev = row.hash;
  }
  const last = rows.at(-1);
  const head = last === undefined ? after : { seq: last.seq, hash: last.hash };
  return { ok: true, length: head?.seq ?? 0, head: head === null ? null : { seq: head.seq, hash: head.hash } };
}

function seqReason(expected: number, found: number): string {
  if (found > expected) return `expected seq ${expected} but found seq ${found}: seq ${expected}${found - expected > 1 ? `..${found - 1}` : ''} missing`;
  if (found === expected - 1) return `expected seq ${expected} but found seq ${found} again: duplicate seq`;
  return `expected seq ${expected} but found seq ${found}: rows out of seq order`;
}
