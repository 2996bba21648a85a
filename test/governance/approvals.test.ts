// Approvals bind to the exact payload and to distinct, authorized people (ARCHITECTURE §6): the
// checks on one APPROVE decision, and the counting of recorded approvals against the policy.
import t from 'tap';
import { approvalsSatisfied, checkApproval } from '../../processors/governance/approvals.ts';
import type { ApprovalCheckInput, RecordedApproval } from '../../processors/governance/approvals.ts';
import { ACTION_STATES } from '../../processors/governance/action-states.ts';
import { DEFAULT_POLICY, parsePolicyYaml } from '../../processors/governance/policy.ts';

const HASH = 'a'.repeat(64);
const OTHER_HASH = 'b'.repeat(64);
const NOW = 1_764_000_000_000;
const LATER = NOW + 3_600_000;

const decision: ApprovalCheckInput = {
  policy: DEFAULT_POLICY,
  radius: 'HIGH',
  proposer: 'agent:maintenance-planner',
  approver: 'alice',
  approverRoles: ['approver'],
  bindingHash: HASH,
  currentHash: HASH,
  state: 'PENDING_APPROVAL',
};

const approval = (approver: string, roles: string[] = ['approver'], overrides: Partial<RecordedApproval> = {}): RecordedApproval => ({
  approver,
  roles,
  bindingHash: HASH,
  expiresAt: LATER,
  ...overrides,
});

const count = (radius: 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL', approvals: RecordedApproval[], extra: { proposer?: string; now?: number } = {}) =>
  approvalsSatisfied({ policy: DEFAULT_POLICY, radius, approvals, currentHash: HASH, now: extra.now ?? NOW, ...(extra.proposer === undefined ? {} : { proposer: extra.proposer }) });

t.test('an approver with an allowed role, the current hash, on a pending proposal, may approve', async (t) => {
  t.same(checkApproval(decision), { ok: true });
  t.same(checkApproval({ ...decision, approverRoles: ['viewer', 'admin'] }), { ok: true }, 'one allowed role among others is enough');
});

t.test('an approval carrying another hash, or none, is refused as stale', async (t) => {
  const stale = checkApproval({ ...decision, bindingHash: OTHER_HASH });
  t.match(stale, { ok: false, code: 'STALE_HASH' });
  t.match(stale.ok ? '' : stale.reason, `binding hash ${OTHER_HASH}`);
  t.match(checkApproval({ ...decision, bindingHash: null }), { ok: false, code: 'STALE_HASH', reason: /no binding hash/ });
});

t.test('the proposer cannot approve their own proposal, whatever their roles', async (t) => {
  t.match(checkApproval({ ...decision, approver: decision.proposer, approverRoles: ['admin'] }), { ok: false, code: 'SELF_APPROVAL' });
});

t.test('a role the policy does not allow for the radius cannot approve', async (t) => {
  t.match(checkApproval({ ...decision, approverRoles: ['operator'] }), { ok: false, code: 'ROLE_NOT_ALLOWED', reason: /holds roles operator; HIGH actions may be approved by approver, admin/ });
  t.match(checkApproval({ ...decision, approverRoles: [] }), { ok: false, code: 'ROLE_NOT_ALLOWED', reason: /holds no role/ });
  const adminsOnly = parsePolicyYaml('approvals:\n  HIGH: { roles: [admin] }\n');
  t.match(checkApproval({ ...decision, policy: adminsOnly }), { ok: false, code: 'ROLE_NOT_ALLOWED' }, 'the tenant policy decides');
});

t.test('only a proposal waiting for approval can be approved', async (t) => {
  for (const state of ACTION_STATES.filter((s) => s !== 'PENDING_APPROVAL')) {
    t.match(checkApproval({ ...decision, state }), { ok: false, code: 'NOT_AWAITING_APPROVAL', reason: `the proposal is ${state}` }, state);
  }
});

t.test('the most basic refusal is reported first', async (t) => {
  const everythingWrong = { ...decision, state: 'EXECUTED' as const, approver: decision.proposer, bindingHash: OTHER_HASH, approverRoles: [] };
  t.match(checkApproval(everythingWrong), { code: 'NOT_AWAITING_APPROVAL' });
  t.match(checkApproval({ ...everythingWrong, state: 'PENDING_APPROVAL' }), { code: 'SELF_APPROVAL' });
  t.match(checkApproval({ ...everythingWrong, state: 'PENDING_APPROVAL', approver: 'alice' }), { code: 'STALE_HASH' });
});

t.test('HIGH needs two distinct approvers', async (t) => {
  t.same(count('HIGH', [approval('alice')]), { satisfied: false, counted: ['alice'], missing: '1 more approval (2 required for HIGH, 1 counted)' });
  t.same(count('HIGH', [approval('bob'), approval('alice')]), { satisfied: true, counted: ['alice', 'bob'], missing: '' });
});

t.test('the same approver twice counts once', async (t) => {
  t.same(count('HIGH', [approval('alice'), approval('alice', ['admin'])]), { satisfied: false, counted: ['alice'], missing: '1 more approval (2 required for HIGH, 1 counted)' });
});

t.test('approvals with another hash do not count', async (t) => {
  const status = count('HIGH', [approval('alice'), approval('bob', ['approver'], { bindingHash: OTHER_HASH })]);
  t.same(status.counted, ['alice']);
  t.notOk(status.satisfied);
});

t.test('expired approvals do not count', async (t) => {
  const status = count('HIGH', [approval('alice'), approval('bob', ['approver'], { expiresAt: NOW })]);
  t.same(status.counted, ['alice'], 'an approval expiring exactly now no longer counts');
  t.ok(count('HIGH', [approval('alice'), approval('bob', ['approver'], { expiresAt: NOW + 1 })]).satisfied);
  t.notOk(count('HIGH', [approval('alice'), approval('bob')], { now: LATER }).satisfied, 'both lapse together');
});

t.test('approvals by a role the policy no longer allows, or by the proposer, do not count', async (t) => {
  t.same(count('HIGH', [approval('alice'), approval('carol', ['operator'])]).counted, ['alice']);
  t.same(count('HIGH', [approval('alice'), approval('agent:x')], { proposer: 'agent:x' }).counted, ['alice']);
});

t.test('CRITICAL needs an admin among its approvers', async (t) => {
  t.same(count('CRITICAL', [approval('alice'), approval('bob')]), {
    satisfied: false,
    counted: ['alice', 'bob'],
    missing: 'an approval by an approver with role admin',
  });
  t.same(count('CRITICAL', [approval('alice'), approval('dana', ['admin'])]), { satisfied: true, counted: ['alice', 'dana'], missing: '' });
  t.same(count('CRITICAL', [approval('dana', ['admin'])]), {
    satisfied: false,
    counted: ['dana'],
    missing: '1 more approval (2 required for CRITICAL, 1 counted)',
  }, 'an admin alone is not two approvers');
  t.same(count('CRITICAL', []).missing, '2 more approvals (2 required for CRITICAL, 0 counted); an approval by an approver with role admin');
  t.notOk(count('CRITICAL', [approval('alice'), approval('bob'), approval('dana', ['admin'], { expiresAt: NOW - 1 })]).satisfied, 'an expired admin approval does not meet the requirement');
  t.ok(count('CRITICAL', [approval('alice'), approval('bob'), approval('dana', ['admin'])]).satisfied, 'extra approvers are fine');
});

t.test('LOW needs no approval at all', async (t) => {
  t.same(count('LOW', []), { satisfied: true, counted: [], missing: '' });
});
