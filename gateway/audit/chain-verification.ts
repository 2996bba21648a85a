// `Query.auditChain`: the tenant's audit chain recomputed with the shared verifier
// (runtime/audit/verify-chain.ts), read a page at a time inside the request's REPEATABLE READ
// transaction, so appends made meanwhile neither appear half-way nor move the head.
import { verifyChain, type ChainHead } from '../../runtime/audit/verify-chain.ts';
import { chainRows } from '../sql/audit.ts';
import type { Queryable } from '../tenant-transaction.ts';

export interface ChainVerificationResult {
  readonly ok: boolean;
  /** Events verified intact (the whole chain when ok). */
  readonly length: number;
  readonly headSeq: number | null;
  readonly headHash: string | null;
  readonly firstBadSeq: number | null;
  readonly reason: string | null;
}

const PAGE_SIZE = 5_000;

export async function verifyTenantChain(db: Queryable, pageSize = PAGE_SIZE): Promise<ChainVerificationResult> {
  let head: ChainHead | null = null;
  for (;;) {
    const rows = await chainRows(db, head?.seq ?? 0, pageSize);
    const result = verifyChain(rows, head);
    if (!result.ok) {
      // Rows before the first bad one verified; the last of them is the intact head.
      const lastGood = rows.filter((row) => row.seq < result.firstBadSeq).at(-1);
      const intactHead: ChainHead | null = lastGood === undefined ? head : { seq: lastGood.seq, hash: lastGood.hash };
      return {
        ok: false,
        length: result.firstBadSeq - 1,
        headSeq: intactHead?.seq ?? null,
        headHash: intactHead?.hash ?? null,
        firstBadSeq: result.firstBadSeq,
        reason: result.reason,
      };
    }
    head = result.head;
    if (rows.length < pageSize) {
      return { ok: true, length: result.length, headSeq: head?.seq ?? null, headHash: head?.hash ?? null, firstBadSeq: null, reason: null };
    }
  }
}
