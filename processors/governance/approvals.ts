// Approval decisions (ARCHITECTURE §6), pure: whether one APPROVE decision may be recorded, and
// whether the recorded approvals satisfy the tenant policy for the proposal's blast radius.
//
// An approval binds to the proposal's binding hash: it counts only while it carries the current
// hash and has not expired. Approvers are distinct principals, never the proposer. The roles are
// the ones the approver held when deciding (ActionDecision.actorRoles), checked again when
// counting so that a policy change that drops a role stops counting approvals given under it.
import type { ActionState } from './action-states.ts';
import type { BlastRadius } from './blast-radius.ts';
import type { GovernancePolicy } from './policy.ts';

export type ApprovalRefusalCode = 'STALE_HASH' | 'SELF_APPROVAL' | 'ROLE_NOT_ALLOWED' | 'NOT_AWAITING_APPROVAL';

export type ApprovalCheck = { ok: true } | { ok: false; code: ApprovalRefusalCode; reason: string };

export interface ApprovalCheckInput {
  readonly policy: GovernancePolicy;
  readonly radius: BlastRadius;
  readonly proposer: string;
  readonly approver: string;
  readonly approverRoles: readonly string[];
  /** The hash the approver saw (ActionDecision.bindingHash); null when the decision carried none. */
  readonly bindingHash: string | null;
  /** The proposal's current binding hash. */
  readonly currentHash: string;
  readonly state: ActionState;
}

/**
 * May this APPROVE be recorded? Checked in this order, so the reason given is the most basic
 * one: the proposal must be waiting for approval, the approver must not be the proposer, the
 * hash must be the current one, and the approver must hold a role the policy allows for the
 * radius. requireRole is not checked here: a non-admin may still be one of the approvers of a
 * CRITICAL action; approvalsSatisfied requires that one of them is an admin.
 */
export function checkApproval(input: ApprovalCheckInput): ApprovalCheck {
  if (input.state !== 'PENDING_APPROVAL') {
    return { ok: false, code: 'NOT_AWAITING_APPROVAL', reason: `the proposal is ${input.state}, not PENDING_APPROVAL` };
  }
  if (input.approver === input.proposer) {
    return { ok: false, code: 'SELF_APPROVAL', reason: `${input.approver} proposed this action and cannot approve it` };
  }
  if (input.bindingHash !== input.currentHash) {
    const seen = input.bindingHash === null ? 'no binding hash' : `binding hash ${input.bindingHash}`;
    return { ok: false, code: 'STALE_HASH', reason: `the approval carries ${seen}, the proposal's current hash is ${input.currentHash}` };
  }
  const rule = input.policy.approvals[input.radius];
  if (!input.approverRoles.some((role) => rule.roles.includes(role))) {
    const held = input.approverRoles.length === 0 ? 'no role' : `roles ${input.approverRoles.join(', ')}`;
    return { ok: false, code: 'ROLE_NOT_ALLOWED', reason: `${input.approver} holds ${held}; ${input.radius} actions may be approved by ${rule.roles.join(', ') || 'nobody'}` };
  }
  return { ok: true };
}

export interface RecordedApproval {
  readonly approver: string;
  readonly roles: readonly string[];
  readonly bindingHash: string;
  /** Epoch milliseconds; the approval counts while now < expiresAt. */
  readonly expiresAt: number;
}

export interface ApprovalsInput {
  readonly policy: GovernancePolicy;
  readonly radius: BlastRadius;
  readonly approvals: readonly RecordedApproval[];
  readonly currentHash: string;
  /** Epoch milliseconds. */
  readonly now: number;
  /** When given, the proposer's approvals never count (checkApproval already refuses them). */
  readonly proposer?: string;
}

export interface ApprovalsStatus {
  readonly satisfied: boolean;
  /** Distinct approvers whose approval counts (current hash, unexpired, allowed role), sorted. */
  readonly counted: string[];
  /** What is still needed, for the UI and the state reason; '' when satisfied. */
  readonly missing: string;
}

export function approvalsSatisfied(input: ApprovalsInput): ApprovalsStatus {
  const rule = input.policy.approvals[input.radius];
  // Roles per counted approver, merged: the same approver twice counts once.
  const counted = new Map<string, Set<string>>();
  for (const approval of input.approvals) {
    if (approval.bindingHash !== input.currentHash) continue;
    if (!(input.now < approval.expiresAt)) continue;
    if (input.proposer !== undefined && approval.approver === input.proposer) continue;
    if (!approval.roles.some((role) => rule.roles.includes(role))) continue;
    const roles = counted.get(approval.approver) ?? new Set<string>();
    for (const role of approval.roles) roles.add(role);
    counted.set(approval.approver, roles);
  }

  const missing: string[] = [];
  if (counted.size < rule.required) {
    const more = rule.required - counted.size;
    missing.push(`${more} more approval${more === 1 ? '' : 's'} (${rule.required} required for ${input.radius}, ${counted.size} counted)`);
  }
  if (rule.requireRole !== undefined && rule.required > 0 && ![...counted.values()].some((roles) => roles.has(rule.requireRole!))) {
    missing.push(`an approval by an approver with role ${rule.requireRole}`);
  }
  return {
    satisfied: missing.length === 0,
    // sort() compares UTF-16 code units, not the locale: the list goes into audit records.
    counted: [...counted.keys()].sort(),
    missing: missing.join('; '),
  };
}
