// The lifecycle of a proposed action (ARCHITECTURE §6):
//
//   PROPOSED -> SIMULATED -> PENDING_APPROVAL -> APPROVED -> EXECUTING -> EXECUTED | FAILED
//
// plus the side exits REJECTED, CANCELLED, EXPIRED and STALE. The governance processor asks
// canTransition before every state change and refuses (and audits) any other move, so this table
// is the whole state machine; the states are the Avro enum ActionState and the CHECK constraint
// of action_proposals.state (migrations/0004), in the same order.
//
// Choices the architecture leaves open, and why:
// - PROPOSED -> EXPIRED: a proposal can arrive with its expiresAt already past (a slow or
//   replayed producer); it expires without being simulated. The schema allows it
//   (action_proposals_simulated_state_check lists EXPIRED among the pre-simulation states).
// - PROPOSED has no CANCELLED: the proposal row is created and simulated in one transaction, so
//   no decision can ever find it in PROPOSED.
// - APPROVED -> CANCELLED and APPROVED -> EXPIRED: until execution starts nothing has happened,
//   so the proposer or an admin may still withdraw it, and ActionProposed.expiresAt says a
//   proposal expires "if not yet executed".
// - APPROVED -> STALE and EXECUTING -> STALE: the version re-check may run before the move to
//   EXECUTING or inside the executing transaction; either way nothing has been applied.
// - EXECUTING has no CANCELLED or EXPIRED: external effects may already be under way, and only
//   their ActionResult (EXECUTED or FAILED) says how it ended.
import type { ActionState as ContractActionState } from '../../contracts/generated/action-state-changed.ts';

export const ACTION_STATES = [
  'PROPOSED',
  'SIMULATED',
  'PENDING_APPROVAL',
  'APPROVED',
  'EXECUTING',
  'EXECUTED',
  'FAILED',
  'REJECTED',
  'CANCELLED',
  'EXPIRED',
  'STALE',
] as const satisfies readonly ContractActionState[];

export type ActionState = (typeof ACTION_STATES)[number];

/** States a proposal never leaves. */
export const TERMINAL_STATES = ['EXECUTED', 'FAILED', 'REJECTED', 'CANCELLED', 'EXPIRED', 'STALE'] as const satisfies readonly ActionState[];

export const ALLOWED_TRANSITIONS: Readonly<Record<ActionState, readonly ActionState[]>> = Object.freeze({
  // REJECTED: parameters or targets invalid; FAILED: the simulation itself failed.
  PROPOSED: Object.freeze(['SIMULATED', 'REJECTED', 'FAILED', 'EXPIRED'] as const),
  // APPROVED directly when the policy requires no approval for the blast radius.
  SIMULATED: Object.freeze(['PENDING_APPROVAL', 'APPROVED', 'CANCELLED', 'EXPIRED'] as const),
  PENDING_APPROVAL: Object.freeze(['APPROVED', 'REJECTED', 'CANCELLED', 'EXPIRED'] as const),
  APPROVED: Object.freeze(['EXECUTING', 'STALE', 'CANCELLED', 'EXPIRED'] as const),
  EXECUTING: Object.freeze(['EXECUTED', 'FAILED', 'STALE'] as const),
  EXECUTED: Object.freeze([] as const),
  FAILED: Object.freeze([] as const),
  REJECTED: Object.freeze([] as const),
  CANCELLED: Object.freeze([] as const),
  EXPIRED: Object.freeze([] as const),
  STALE: Object.freeze([] as const),
});

const STATE_SET: ReadonlySet<string> = new Set(ACTION_STATES);
const TERMINAL_SET: ReadonlySet<string> = new Set(TERMINAL_STATES);

/** Narrows a value read from a row or a record (the column is text, the table may outlive this code). */
export function isActionState(value: unknown): value is ActionState {
  return typeof value === 'string' && STATE_SET.has(value);
}

export function canTransition(from: ActionState, to: ActionState): boolean {
  // Object.hasOwn: `from` may come from outside the type system (a row), and must not reach
  // Object.prototype's members.
  return Object.hasOwn(ALLOWED_TRANSITIONS, from) && ALLOWED_TRANSITIONS[from].includes(to);
}

export function isTerminal(state: ActionState): boolean {
  return TERMINAL_SET.has(state);
}
