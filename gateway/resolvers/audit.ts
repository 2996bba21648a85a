// The audit chain: pages of events and the whole-chain verification (role-checked by
// @requiresRole before these run).
import { verifyTenantChain, type ChainVerificationResult } from '../audit/chain-verification.ts';
import { toConnection, type Connection } from '../connection.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { badInput } from '../errors.ts';
import { boundedInt } from '../size-arguments.ts';
import type { GatewayContext } from '../request-scope.ts';
import { auditPage, type AuditEventRecord } from '../sql/audit.ts';

const CURSOR_KIND = 'audit';

export const auditResolvers = {
  Query: {
    auditEvents: async (
      _root: unknown,
      args: { first?: number | null; after?: string | null; order?: 'ASC' | 'DESC' | null },
      context: GatewayContext,
    ): Promise<Connection<AuditEventRecord>> => {
      const first = boundedInt('first', args.first, 50, 1, context.limits.maxPageSize);
      const order = args.order ?? 'ASC';
      let afterSeq: number | null = null;
      if (args.after !== undefined && args.after !== null) {
        const cursor = decodeCursor(args.after, CURSOR_KIND, order, 0);
        afterSeq = Number(cursor.id);
        if (!/^\d{1,15}$/.test(cursor.id) || !Number.isSafeInteger(afterSeq)) throw badInput('malformed cursor');
      }
      const rows = await auditPage(context.db, { afterSeq, order, limit: first + 1 });
      return toConnection(
        rows,
        first,
        (row) => row,
        (row) => encodeCursor({ kind: CURSOR_KIND, ordering: order, values: [], id: String(row.seq) }),
      );
    },
    auditChain: (_root: unknown, _args: unknown, context: GatewayContext): Promise<ChainVerificationResult> => verifyTenantChain(context.db),
  },
};
