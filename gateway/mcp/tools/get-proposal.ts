// get_proposal: a proposal's state with its approvals and history (sql/proposals.ts), for the
// governance readers (operator, approver, admin), as the GraphQL `proposal` field. A proposal of
// another tenant is NOT_FOUND like one that does not exist.
import { z } from 'zod';
import { forbidden, notFound } from '../../errors.ts';
import { GOVERNANCE_READERS, hasAnyRole } from '../../roles.ts';
import { approvalsOf, proposalById, transitionsOf } from '../../sql/proposals.ts';
import { defineTool } from '../tool-definition.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

export function getProposalTool() {
  return defineTool({
    name: 'get_proposal',
    title: 'Read a proposal',
    description:
      "Reads a proposal: its state (PROPOSED, SIMULATED, PENDING_APPROVAL, APPROVED, EXECUTING, EXECUTED, FAILED, REJECTED, CANCELLED, EXPIRED, STALE), blast radius, binding hash, " +
      'approvals and state history. Needs the operator, approver or admin role. NOT_FOUND when the processor has not recorded it (yet).',
    readOnly: true,
    idempotent: true,
    input: z.strictObject({ proposalId: z.string().regex(UUID, 'must be a UUID').describe("The proposal's id (propose_action returns it).") }),
    output: z.object({
      proposal: z.object({
        id: z.string(),
        state: z.string(),
        stateReason: z.string().nullable(),
        actionType: z.string(),
        actionTypeVersion: z.number().int(),
        parameters: z.record(z.string(), z.unknown()),
        targets: z.array(z.unknown()).describe('[{objectType, objectId}]'),
        proposedBy: z.string(),
        rationale: z.string(),
        blastRadius: z.string().nullable(),
        bindingHash: z.string().nullable().describe('What an approval must carry to count.'),
        simulation: z.record(z.string(), z.unknown()).nullable().describe('Affected objects with the versions seen, and the diff.'),
        expiresAt: z.string().nullable(),
        createdAt: z.string(),
        updatedAt: z.string(),
        approvals: z.array(z.object({ approver: z.string(), roles: z.array(z.string()), current: z.boolean(), reason: z.string(), decidedAt: z.string(), expiresAt: z.string() })),
        history: z.array(z.object({ from: z.string().nullable(), to: z.string(), actor: z.string().nullable(), reason: z.string().nullable(), occurredAt: z.string() })),
      }),
    }),
    async run(input, { scope }) {
      if (!hasAnyRole(scope.auth.roles, GOVERNANCE_READERS)) throw forbidden(`get_proposal needs one of the roles ${GOVERNANCE_READERS.join(', ')}`);
      const id = input.proposalId.toLowerCase();
      const proposal = await proposalById(scope.db, id);
      if (proposal === undefined) throw notFound(`proposal ${id} does not exist (or is not recorded yet)`);
      const approvals = (await approvalsOf(scope.db, [id])).get(id) ?? [];
      const history = (await transitionsOf(scope.db, [id])).get(id) ?? [];
      return {
        structured: {
          proposal: {
            id: proposal.id,
            state: proposal.state,
            stateReason: proposal.stateReason,
            actionType: proposal.actionType,
            actionTypeVersion: proposal.actionTypeVersion,
            parameters: proposal.parameters,
            targets: proposal.targets,
            proposedBy: proposal.proposedBy,
            rationale: proposal.rationale,
            blastRadius: proposal.blastRadius,
            bindingHash: proposal.bindingHash,
            simulation: proposal.simulation,
            expiresAt: iso(proposal.expiresAt),
            createdAt: proposal.createdAt.toISOString(),
            updatedAt: proposal.updatedAt.toISOString(),
            approvals: approvals.map((a) => ({ approver: a.approver, roles: [...a.roles], current: a.current, reason: a.reason, decidedAt: a.decidedAt.toISOString(), expiresAt: a.expiresAt.toISOString() })),
            history: history.map((h) => ({ from: h.from, to: h.to, actor: h.actor, reason: h.reason, occurredAt: h.occurredAt.toISOString() })),
          },
        },
        summary: `Proposal ${proposal.id} (${proposal.actionType}) is ${proposal.state}${proposal.blastRadius === null ? '' : `, blast radius ${proposal.blastRadius}`}, ${approvals.filter((a) => a.current).length} current approval(s).`,
      };
    },
  });
}
