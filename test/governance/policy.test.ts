// Tenant governance policy as code: the defaults of ARCHITECTURE §6, YAML overrides, every error
// named by its path, CRITICAL only ever stricter, and the per-tenant directory of policy files.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { DEFAULT_POLICY, loadPolicies, parsePolicyYaml, PolicyInvalidError, policyFor } from '../../processors/governance/policy.ts';

const DEMO_TENANT = '0c6e2f8a-6f3d-4d4b-9a57-2f1c1d3e4a5b';
const HOUR = 3_600_000;

// The problems parsePolicyYaml reports for `text` ([] when it parses).
function problems(text: string): readonly string[] {
  try {
    parsePolicyYaml(text);
    return [];
  } catch (error) {
    if (error instanceof PolicyInvalidError) return error.problems;
    throw error;
  }
}

t.test('the default policy is the one the architecture states', async (t) => {
  t.same(DEFAULT_POLICY, {
    approvals: {
      LOW: { required: 0, roles: ['approver', 'admin'] },
      MEDIUM: { required: 1, roles: ['approver', 'admin'] },
      HIGH: { required: 2, roles: ['approver', 'admin'] },
      CRITICAL: { required: 2, roles: ['approver', 'admin'], requireRole: 'admin' },
    },
    approvalTtlMs: 24 * HOUR,
    proposalTtlMs: 72 * HOUR,
  });
  t.ok(Object.isFrozen(DEFAULT_POLICY) && Object.isFrozen(DEFAULT_POLICY.approvals.CRITICAL.roles), 'nobody can weaken it at run time');
});

t.test('an empty file, or one with only comments, is the default policy', async (t) => {
  t.same(parsePolicyYaml(''), DEFAULT_POLICY);
  t.same(parsePolicyYaml('# nothing to change\n'), DEFAULT_POLICY);
});

t.test('a rule overrides only the keys it names', async (t) => {
  const policy = parsePolicyYaml('approvals:\n  HIGH:\n    required: 3\n  CRITICAL:\n    required: 3\n  medium:\n    roles: [approver]\napprovalTtl: 12h\nproposalTtl: 7d\n');
  t.same(policy.approvals.HIGH, { required: 3, roles: ['approver', 'admin'] }, 'roles kept from the default');
  t.same(policy.approvals.MEDIUM, { required: 1, roles: ['approver'] }, 'a radius may be written in lower case');
  t.same(policy.approvals.LOW, DEFAULT_POLICY.approvals.LOW);
  t.same(policy.approvals.CRITICAL, { ...DEFAULT_POLICY.approvals.CRITICAL, required: 3 });
  t.equal(policy.approvalTtlMs, 12 * HOUR);
  t.equal(policy.proposalTtlMs, 7 * 24 * HOUR);
  t.ok(Object.isFrozen(policy) && Object.isFrozen(policy.approvals.HIGH));
});

t.test('durations take s, m, h and d within 1m to 365d', async (t) => {
  t.equal(parsePolicyYaml('approvalTtl: 90m').approvalTtlMs, 90 * 60_000);
  t.equal(parsePolicyYaml('approvalTtl: 3600s').approvalTtlMs, HOUR);
  t.same(problems('approvalTtl: 24'), ['approvalTtl must be a duration such as 30m, 24h or 3d, got 24']);
  t.same(problems('proposalTtl: 2 days'), ['proposalTtl must be a duration such as 30m, 24h or 3d, got "2 days"']);
  t.same(problems('approvalTtl: 30s'), ['approvalTtl must be from 1m to 365d, got 30s']);
  t.same(problems('proposalTtl: 366d'), ['proposalTtl must be from 1m to 365d, got 366d']);
});

t.test('CRITICAL may be made stricter', async (t) => {
  const policy = parsePolicyYaml('approvals:\n  CRITICAL:\n    required: 3\n    roles: [admin]\n');
  t.same(policy.approvals.CRITICAL, { required: 3, roles: ['admin'], requireRole: 'admin' });
});

t.test('CRITICAL may not be weakened', async (t) => {
  t.same(problems('approvals:\n  CRITICAL:\n    required: 1\n'), [
    'approvals.CRITICAL.required must be at least 2: CRITICAL may only be made stricter',
    'approvals.CRITICAL.required (1) must not be lower than approvals.HIGH.required (2)',
  ]);
  t.same(problems('approvals:\n  CRITICAL:\n    requireRole: null\n'), ['approvals.CRITICAL.requireRole must stay "admin": CRITICAL may only be made stricter']);
  t.same(problems('approvals:\n  CRITICAL:\n    roles: [approver, admin, operator]\n'), [
    'approvals.CRITICAL.roles may only drop roles from approver, admin, not add operator: CRITICAL may only be made stricter',
  ]);
  t.same(problems('approvals:\n  CRITICAL:\n    roles: [approver, owner]\n    requireRole: owner\n'), [
    'approvals.CRITICAL.requireRole must stay "admin": CRITICAL may only be made stricter',
    'approvals.CRITICAL.roles may only drop roles from approver, admin, not add owner: CRITICAL may only be made stricter',
  ]);
});

t.test('other radii are the tenant\'s call, but a higher radius never needs fewer approvals', async (t) => {
  t.equal(parsePolicyYaml('approvals:\n  MEDIUM: { required: 0 }\n').approvals.MEDIUM.required, 0, 'MEDIUM may go without approval');
  t.same(problems('approvals:\n  HIGH: { required: 1 }\n  MEDIUM: { required: 2 }\n'), ['approvals.HIGH.required (1) must not be lower than approvals.MEDIUM.required (2)']);
  t.same(problems('approvals:\n  HIGH: { required: 3 }\n'), ['approvals.CRITICAL.required (2) must not be lower than approvals.HIGH.required (3)']);
});

t.test('each problem names its path; all are reported at once', async (t) => {
  t.same(problems('approvals:\n  HIGH:\n    required: -1\n'), ['approvals.HIGH.required must be an integer from 0 to 10, got -1']);
  t.same(problems('approvals:\n  HIGH:\n    required: 11\n'), ['approvals.HIGH.required must be an integer from 0 to 10, got 11']);
  t.same(problems('approvals:\n  HIGH:\n    required: 1.5\n'), ['approvals.HIGH.required must be an integer from 0 to 10, got 1.5']);
  t.same(problems('approvals:\n  HIGH:\n    required: "2"\n'), ['approvals.HIGH.required must be an integer from 0 to 10, got "2"']);
  t.same(problems('approvals:\n  SEVERE: { required: 1 }\n'), ['approvals.SEVERE is not a blast radius; expected one of LOW, MEDIUM, HIGH, CRITICAL']);
  t.same(problems('approvals:\n  HIGH: { requried: 3 }\n'), ['approvals.HIGH.requried is not a policy key; expected one of required, roles, requireRole']);
  t.same(problems('approvalTTL: 1h\n'), ['approvalTTL is not a policy key; expected one of approvals, approvalTtl, proposalTtl']);
  t.same(problems('approvals:\n  HIGH: { roles: approver }\n'), ['approvals.HIGH.roles must be a list of role names, got "approver"']);
  t.same(problems('approvals:\n  HIGH: { roles: [approver, "", approver] }\n'), [
    'approvals.HIGH.roles.1 must be a role name (1 to 100 characters, no spaces), got ""',
    'approvals.HIGH.roles.2 repeats role "approver"',
  ]);
  t.same(problems('approvals:\n  HIGH: { roles: [] }\n'), ['approvals.HIGH.roles must name at least one role when 2 approval(s) are required']);
  t.same(problems('approvals:\n  HIGH: { requireRole: owner }\n'), ['approvals.HIGH.requireRole "owner" must be one of approvals.HIGH.roles (approver, admin)']);
  t.same(problems('approvals:\n  LOW: { requireRole: admin }\n'), ['approvals.LOW.requireRole needs at least one required approval']);
  t.same(problems('approvals:\n  HIGH: 2\n'), ['approvals.HIGH must be a mapping with required, roles and requireRole']);
  t.same(problems('approvals:\n  high: { required: 2 }\n  HIGH: { required: 2 }\n'), ['approvals.HIGH repeats approvals.HIGH']);
  t.same(problems('approvals: [HIGH]\n'), ['approvals must be a mapping of blast radius (LOW, MEDIUM, HIGH, CRITICAL) to rule']);
  t.same(problems('approvals:\n  HIGH: { required: 11 }\n  CRITICAL: { required: 1 }\napprovalTtl: soon\n'), [
    'approvals.HIGH.required must be an integer from 0 to 10, got 11',
    'approvals.CRITICAL.required must be at least 2: CRITICAL may only be made stricter',
    'approvals.CRITICAL.required (1) must not be lower than approvals.HIGH.required (2)',
    'approvalTtl must be a duration such as 30m, 24h or 3d, got "soon"',
  ]);
});

t.test('YAML that is not a mapping, or repeats a key, is refused', async (t) => {
  t.same(problems('- approvals\n'), ['the policy must be a YAML mapping with the keys approvals, approvalTtl and proposalTtl']);
  const duplicate = problems('approvals:\n  HIGH: { required: 2 }\n  HIGH: { required: 3 }\n');
  t.equal(duplicate.length, 1);
  t.match(duplicate[0], /^YAML syntax at line 3: /);
  t.match(problems('approvals: {\n')[0], /^YAML syntax/);
  const error = t.throws(() => parsePolicyYaml('approvals:\n  HIGH: { required: 11 }\n')) as PolicyInvalidError;
  t.equal(error.name, 'PolicyInvalidError');
  t.equal(error.message, 'invalid governance policy: approvals.HIGH.required must be an integer from 0 to 10, got 11');
});

t.test('the demo tenant\'s policy parses', async (t) => {
  const policies = loadPolicies(new URL('../../examples/policies/', import.meta.url).pathname);
  t.same([...policies.keys()], [DEMO_TENANT]);
  const demo = policyFor(policies, DEMO_TENANT);
  t.same(demo.approvals.HIGH, { required: 2, roles: ['approver', 'admin'] });
  t.same(demo.approvals.CRITICAL, { required: 3, roles: ['approver', 'admin'], requireRole: 'admin' });
  t.equal(demo.approvalTtlMs, 12 * HOUR);
  t.equal(demo.proposalTtlMs, 48 * HOUR);
});

t.test('policies mounted from a Kubernetes ConfigMap (symlinks into ..data/) are read', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'l3-policies-cm-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  // What the kubelet writes: a timestamped folder, a ..data link to it, and a link per key.
  mkdirSync(join(dir, '..2026_11_27_00_00_00.000000001'));
  writeFileSync(join(dir, '..2026_11_27_00_00_00.000000001', `${DEMO_TENANT}.yaml`), 'approvalTtl: 2h\n');
  symlinkSync('..2026_11_27_00_00_00.000000001', join(dir, '..data'));
  symlinkSync(join('..data', `${DEMO_TENANT}.yaml`), join(dir, `${DEMO_TENANT}.yaml`));
  const policies = loadPolicies(dir);
  t.same([...policies.keys()], [DEMO_TENANT]);
  t.equal(policyFor(policies, DEMO_TENANT).approvalTtlMs, 2 * HOUR);
});

t.test('a directory of policies: one per tenant file, default for the rest', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'l3-policies-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const other = '7B0E7D6C-9A43-4C1E-8D1F-0B6F3F6D2A11';
  writeFileSync(join(dir, `${DEMO_TENANT}.yaml`), 'approvals:\n  MEDIUM: { required: 0 }\n');
  writeFileSync(join(dir, `${other}.yml`), 'approvalTtl: 1h\n');
  writeFileSync(join(dir, 'README.md'), '# not a policy\n');
  const policies = loadPolicies(dir);
  t.same([...policies.keys()].sort(), [DEMO_TENANT, other.toLowerCase()].sort(), 'tenant ids in lower case');
  t.equal(policyFor(policies, DEMO_TENANT).approvals.MEDIUM.required, 0);
  t.equal(policyFor(policies, other).approvalTtlMs, HOUR, 'looked up case-insensitively');
  t.equal(policyFor(policies, '00000000-0000-4000-8000-000000000000'), DEFAULT_POLICY, 'a tenant without a file gets the default');
});

t.test('a bad file or file name stops loading with every problem, each naming its file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'l3-policies-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, `${DEMO_TENANT}.yaml`), 'approvals:\n  HIGH: { required: 11 }\n');
  writeFileSync(join(dir, 'demo.yaml'), '');
  writeFileSync(join(dir, `${DEMO_TENANT.toUpperCase()}.yml`), '');
  const error = t.throws(() => loadPolicies(dir)) as PolicyInvalidError;
  t.ok(error instanceof PolicyInvalidError);
  t.equal(error.problems.length, 3);
  t.ok(error.problems.includes(`${DEMO_TENANT}.yaml: approvals.HIGH.required must be an integer from 0 to 10, got 11`));
  t.ok(error.problems.includes('demo.yaml: a policy file must be named <tenant uuid>.yaml'));
  t.ok(error.problems.some((p) => p.includes(`a second policy for tenant ${DEMO_TENANT}`)));
  t.match(error.message, new RegExp(`^${dir}: invalid governance policy: `));
});
