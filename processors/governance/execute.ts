// Execution of an APPROVED proposal (ARCHITECTURE §6): re-check the versions the simulation saw
// (moved -> STALE, nothing applied); apply the ontology edits in this transaction with their
// outbox rows; request any external effect on l3.actions.execution-requests.v1 and stay
// EXECUTING until its ActionResult arrives.
import { randomUUID } from 'node:crypto';
import type { ActionExecutionRequested } from '../../contracts/generated/action-execution-requested.ts';
import { kafkaKey } from '../materializer/entity-keys.ts';
import { emit, newEventId, type GovernanceContext } from './governance-context.ts';
import { transition } from './lifecycle.ts';
import type { Proposal } from './proposal.ts';
import { applyEdits, EditFailedError, type Edit } from './sql/apply-edits.ts';
import { lockCurrentVersions, worldObjectKey } from './sql/world.ts';
import { lockTenantExclusively } from '../materializer/sql/tenant-lock.ts';

const EXECUTOR = 'l3-governance';

export async function execute(context: GovernanceContext, approved: Proposal): Promise<Proposal> {
  const simulation = approved.simulation!;
  // Created links must find their to-one slots as the simulation left them (ADR 0008): the
  // tenant's ontology lock keeps materializer batches that write links out until this commits.
  // Taken before the object row locks below, in the order a materializer batch takes them.
  if ((simulation.edits as Edit[]).some((edit) => edit.kind === 'create_link')) await lockTenantExclusively(context.tx, context.tenantId);
  const current = await lockCurrentVersions(context.tx, context.tenantId, simulation.affected);
  const moved = simulation.affected.filter((a) => {
    const now = current.get(worldObjectKey(a.objectType, a.objectId));
    // version 0: the object was to be created, so it must still not exist (live).
    return a.version === 0 ? now !== undefined && !now.deleted : now === undefined || now.deleted || now.version !== a.version;
  });
  if (moved.length > 0) {
    const detail = moved.map((a) => `${a.objectType}/${a.objectId} was v${a.version}, is ${describe(current.get(worldObjectKey(a.objectType, a.objectId)))}`).join('; ');
    return transition(context, approved, { state: 'STALE', actor: EXECUTOR, stateReason: `the world moved since simulation: ${detail}` });
  }
  const executing = await transition(context, approved, { state: 'EXECUTING', actor: EXECUTOR, executionId: randomUUID() });
  // A savepoint keeps a failed edit from aborting the transaction: the proposal can then be
  // recorded as FAILED with nothing applied.
  await context.tx.query('SAVEPOINT action_edits');
  try {
    const applied = await applyEdits(context.tx, context.tenantId, approved.proposalId, simulation.edits as Edit[], context.now);
    await context.tx.query('RELEASE SAVEPOINT action_edits');
    for (const edit of applied) emit(context, context.topics.ontologyChanges, edit.key, edit.change);
  } catch (error) {
    await context.tx.query('ROLLBACK TO SAVEPOINT action_edits');
    if (!(error instanceof EditFailedError) && (error as { code?: string }).code?.startsWith('23') !== true) throw error;
    return transition(context, executing, { state: 'FAILED', actor: EXECUTOR, stateReason: `edit failed: ${(error as Error).message}` });
  }
  if (simulation.external.length === 0) return transition(context, executing, { state: 'EXECUTED', actor: EXECUTOR });
  const request: ActionExecutionRequested = {
    tenantId: context.tenantId,
    eventId: newEventId(),
    proposalId: approved.proposalId,
    executionId: executing.executionId!,
    actionType: approved.actionType,
    actionTypeVersion: approved.actionTypeVersion,
    parameters: JSON.stringify(approved.parameters),
    targets: [...approved.targets],
    bindingHash: approved.bindingHash!,
    expiresAt: approved.expiresAt,
    requestedAt: context.now,
  };
  emit(context, context.topics.executionRequests, kafkaKey(context.tenantId, approved.proposalId), request);
  return executing;
}

function describe(state: { version: number; deleted: boolean } | undefined): string {
  if (!state) return 'absent';
  return state.deleted ? `deleted (v${state.version})` : `v${state.version}`;
}
