// Action proposals (role-checked by @requiresRole before these run). Proposal.approvals,
// .history and .tool are loaders (gateway/loaders/).
import { toConnection, type Connection } from '../connection.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { badInput } from '../errors.ts';
import { isCursorText, isUuid } from '../objects/property-values.ts';
import { boundedInt } from '../size-arguments.ts';
import type { GatewayContext } from '../request-scope.ts';
import { proposalById, proposalPage, type ProposalRecord } from '../sql/proposals.ts';

const CURSOR_KIND = 'proposals';
const ORDERING = 'created_at-desc';

export const proposalResolvers = {
  Query: {
    proposals: async (
      _root: unknown,
      args: { state?: string | null; first?: number | null; after?: string | null },
      context: GatewayContext,
    ): Promise<Connection<ProposalRecord>> => {
      const first = boundedInt('first', args.first, 50, 1, context.limits.maxPageSize);
      let after: { createdAt: string; id: string } | null = null;
      if (args.after !== undefined && args.after !== null) {
        const cursor = decodeCursor(args.after, CURSOR_KIND, ORDERING, 1);
        const createdAt = cursor.values[0];
        if (typeof createdAt !== 'string' || !isCursorText('timestamptz', createdAt) || !isUuid(cursor.id)) throw badInput('malformed cursor');
        after = { createdAt, id: cursor.id };
      }
      const rows = await proposalPage(context.db, { state: args.state ?? null, after, limit: first + 1 });
      return toConnection(
        rows,
        first,
        (row) => row.record,
        (row) => encodeCursor({ kind: CURSOR_KIND, ordering: ORDERING, values: [row.createdAtText], id: row.record.id }),
      );
    },
    proposal: async (_root: unknown, args: { id: string }, context: GatewayContext): Promise<ProposalRecord | null> => {
      // A malformed id cannot name a proposal; answering null keeps the cast out of Postgres.
      if (!isUuid(args.id)) return null;
      return (await proposalById(context.db, args.id)) ?? null;
    },
  },
};
