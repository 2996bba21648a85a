// ActionResult from an L4 executor: finishes an EXECUTING proposal whose external effect was
// requested, if the result names the current execution and binding hash.
import type { ActionResult } from '../../contracts/generated/action-result.ts';
import type { GovernanceContext } from './governance-context.ts';
import { refuse, transition } from './lifecycle.ts';
import { loadProposalForUpdate } from './sql/proposals.ts';

export type ResultOutcome = { kind: 'applied' } | { kind: 'refused' } | { kind: 'unknown-proposal' };

export async function handleResult(context: GovernanceContext, event: ActionResult): Promise<ResultOutcome> {
  const proposal = await loadProposalForUpdate(context.tx, context.tenantId, event.proposalId);
  if (!proposal) return { kind: 'unknown-proposal' };
  const refusal = async (code: string, reason: string): Promise<ResultOutcome> => {
    await refuse(context, { proposalId: proposal.proposalId, command: `RESULT_${event.status}`, actor: event.executor, code, reason, state: proposal.state });
    return { kind: 'refused' };
  };
  if (proposal.state !== 'EXECUTING') return refusal('NOT_EXECUTING', `a ${proposal.state} proposal is not waiting for a result`);
  if (event.executionId !== proposal.executionId) return refusal('UNKNOWN_EXECUTION', `execution ${event.executionId} is not the requested ${proposal.executionId}`);
  if (event.bindingHash !== proposal.bindingHash) return refusal('STALE_HASH', 'the result is bound to another payload');
  if (event.status === 'SUCCEEDED') {
    await transition(context, proposal, { state: 'EXECUTED', actor: event.executor, stateReason: `external effect done: ${event.output.slice(0, 500)}` });
  } else {
    await transition(context, proposal, { state: 'FAILED', actor: event.executor, stateReason: `external effect failed: ${event.error ? `${event.error.code}: ${event.error.message}` : 'no detail'}` });
  }
  return { kind: 'applied' };
}
