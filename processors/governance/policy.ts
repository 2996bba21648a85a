// Tenant governance policy, as code (ARCHITECTURE §6): how many approvals each blast radius
// needs, from whom, and how long approvals and proposals live. A tenant without a policy file gets
// DEFAULT_POLICY; a file `<tenantId>.yaml` overrides parts of it (examples/policies/README.md).
//
// CRITICAL may only be made stricter: at least DEFAULT_POLICY's 2 approvals, the admin
// requirement kept, and approver roles a subset of the default ones. Its floor is what the
// architecture promises for actions that can do the most harm, so a tenant file (or a typo in
// one) must not be able to lower it. The other radii are the tenant's call, with one guard: a
// higher radius never needs fewer approvals than a lower one, which is always a mistake.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, LineCounter, parseDocument } from 'yaml';
import { BLAST_RADII, type BlastRadius } from './blast-radius.ts';

export interface ApprovalRule {
  /** Distinct approvers needed; 0 means the action is approved by policy alone. */
  readonly required: number;
  /** Roles allowed to approve: an approver must hold at least one of them. */
  readonly roles: readonly string[];
  /** At least one counted approver must hold this role (CRITICAL: admin). */
  readonly requireRole?: string;
}

export interface GovernancePolicy {
  readonly approvals: Readonly<Record<BlastRadius, ApprovalRule>>;
  /** How long an approval counts after it was given. */
  readonly approvalTtlMs: number;
  /** How long a proposal may wait for approval and execution; also caps ActionProposed.expiresAt. */
  readonly proposalTtlMs: number;
}

/** No rule may need more approvers than this: a policy that can never be met blocks silently. */
export const MAX_REQUIRED_APPROVALS = 10;

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const DAY_MS = 24 * HOUR_MS;
/** TTL bounds: shorter than a minute cannot be acted on, longer than a year is a unit mistake. */
const MIN_TTL_MS = MINUTE_MS;
const MAX_TTL_MS = 365 * DAY_MS;

const rule = (required: number, roles: readonly string[], requireRole?: string): ApprovalRule =>
  Object.freeze({ required, roles: Object.freeze([...roles]), ...(requireRole === undefined ? {} : { requireRole }) });

export const DEFAULT_POLICY: GovernancePolicy = Object.freeze({
  approvals: Object.freeze({
    LOW: rule(0, ['approver', 'admin']),
    MEDIUM: rule(1, ['approver', 'admin']),
    HIGH: rule(2, ['approver', 'admin']),
    CRITICAL: rule(2, ['approver', 'admin'], 'admin'),
  }),
  approvalTtlMs: 24 * HOUR_MS,
  proposalTtlMs: 72 * HOUR_MS,
});

/** A policy file that cannot be used; `problems` lists every problem, each naming its path. */
export class PolicyInvalidError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[], source?: string) {
    const where = source === undefined ? '' : `${source}: `;
    super(`${where}invalid governance policy: ${problems.join('; ')}`);
    this.name = 'PolicyInvalidError';
    this.problems = Object.freeze([...problems]);
  }
}

const ROOT_KEYS = ['approvals', 'approvalTtl', 'proposalTtl'];
const RULE_KEYS = ['required', 'roles', 'requireRole'];
const ROLE = /^\S{1,100}$/;
const DURATION = /^(\d{1,9})(s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: MINUTE_MS, h: HOUR_MS, d: DAY_MS };
const TENANT_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.ya?ml$/i;

/**
 * Parses a policy file: a YAML mapping whose keys all are optional overrides of DEFAULT_POLICY.
 * Throws PolicyInvalidError listing every problem. An empty document is the default policy.
 */
export function parsePolicyYaml(text: string): GovernancePolicy {
  // uniqueKeys: a second `HIGH:` must be an error, not silently replace the first.
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (document.errors.length > 0) {
    throw new PolicyInvalidError(document.errors.map((error) => `YAML syntax at line ${lineCounter.linePos(error.pos[0]).line}: ${error.message.split('\n')[0]}`));
  }
  if (document.contents !== null && !isMap(document.contents)) {
    throw new PolicyInvalidError(['the policy must be a YAML mapping with the keys approvals, approvalTtl and proposalTtl']);
  }
  const value: unknown = document.toJS({ maxAliasCount: 100 }) ?? {};
  const problems: string[] = [];
  const policy = readPolicy(value as Record<string, unknown>, problems);
  if (problems.length > 0) throw new PolicyInvalidError(problems);
  return policy;
}

/**
 * Reads every `<tenantId>.yaml` (or `.yml`) in `dir`, keyed by lower-case tenant id. Other files
 * (a README) are skipped; a YAML file not named by a UUID is an error, since its tenant would
 * silently get the default policy. Reads synchronously: this runs once at start-up.
 */
export function loadPolicies(dir: string): Map<string, GovernancePolicy> {
  const policies = new Map<string, GovernancePolicy>();
  const fileOf = new Map<string, string>();
  const problems: string[] = [];
  const files = readdirSync(dir, { withFileTypes: true })
    // A Kubernetes ConfigMap volume presents each key as a symlink (into ..data/): followed.
    .filter((entry) => /\.ya?ml$/i.test(entry.name) && (entry.isFile() || (entry.isSymbolicLink() && statSync(join(dir, entry.name)).isFile())))
    .map((entry) => entry.name)
    .sort();
  for (const file of files) {
    const match = TENANT_FILE.exec(file);
    if (!match) {
      problems.push(`${file}: a policy file must be named <tenant uuid>.yaml`);
      continue;
    }
    const tenantId = match[1]!.toLowerCase();
    const first = fileOf.get(tenantId);
    if (first !== undefined) problems.push(`${file}: a second policy for tenant ${tenantId} (the first is ${first})`);
    else fileOf.set(tenantId, file);
    try {
      const policy = parsePolicyYaml(readFileSync(join(dir, file), 'utf8'));
      if (first === undefined) policies.set(tenantId, policy);
    } catch (error) {
      if (!(error instanceof PolicyInvalidError)) throw error;
      problems.push(...error.problems.map((problem) => `${file}: ${problem}`));
    }
  }
  if (problems.length > 0) throw new PolicyInvalidError(problems, dir);
  return policies;
}

/** The tenant's policy, or DEFAULT_POLICY when it has no file. */
export function policyFor(policies: ReadonlyMap<string, GovernancePolicy>, tenantId: string): GovernancePolicy {
  return policies.get(tenantId.toLowerCase()) ?? DEFAULT_POLICY;
}

function readPolicy(value: Record<string, unknown>, problems: string[]): GovernancePolicy {
  unknownKeys(value, '', ROOT_KEYS, problems);
  const approvals: Record<BlastRadius, ApprovalRule> = { ...DEFAULT_POLICY.approvals };
  if (value.approvals !== undefined) {
    if (!isRecord(value.approvals)) {
      problems.push(`approvals must be a mapping of blast radius (${BLAST_RADII.join(', ')}) to rule`);
    } else {
      const seen = new Set<BlastRadius>();
      for (const [key, spec] of Object.entries(value.approvals)) {
        // Like the ontology file's enum values, a radius may be written in lower case.
        const radius = BLAST_RADII.find((r) => r === key.toUpperCase());
        if (radius === undefined) {
          problems.push(`approvals.${key} is not a blast radius; expected one of ${BLAST_RADII.join(', ')}`);
          continue;
        }
        if (seen.has(radius)) {
          problems.push(`approvals.${key} repeats approvals.${radius}`);
          continue;
        }
        seen.add(radius);
        const merged = readRule(spec, `approvals.${key}`, DEFAULT_POLICY.approvals[radius], problems);
        if (merged) approvals[radius] = merged;
      }
    }
  }
  checkCriticalFloor(approvals.CRITICAL, problems);
  checkAscending(approvals, problems);
  return Object.freeze({
    approvals: Object.freeze(approvals),
    approvalTtlMs: readDuration(value.approvalTtl, 'approvalTtl', DEFAULT_POLICY.approvalTtlMs, problems),
    proposalTtlMs: readDuration(value.proposalTtl, 'proposalTtl', DEFAULT_POLICY.proposalTtlMs, problems),
  });
}

// One radius' rule: each key given replaces the default's, the others are kept. Returns undefined
// when a problem was reported (the cross-radius checks then use the default).
function readRule(spec: unknown, path: string, fallback: ApprovalRule, problems: string[]): ApprovalRule | undefined {
  if (!isRecord(spec)) {
    problems.push(`${path} must be a mapping with required, roles and requireRole`);
    return undefined;
  }
  const before = problems.length;
  unknownKeys(spec, path, RULE_KEYS, problems);

  let required = fallback.required;
  if (spec.required !== undefined) {
    if (!Number.isInteger(spec.required) || (spec.required as number) < 0 || (spec.required as number) > MAX_REQUIRED_APPROVALS) {
      problems.push(`${path}.required must be an integer from 0 to ${MAX_REQUIRED_APPROVALS}, got ${show(spec.required)}`);
    } else {
      required = spec.required as number;
    }
  }

  let roles = fallback.roles;
  if (spec.roles !== undefined) {
    const given: unknown = spec.roles;
    if (!Array.isArray(given)) {
      problems.push(`${path}.roles must be a list of role names, got ${show(given)}`);
    } else {
      given.forEach((role: unknown, index) => {
        if (typeof role !== 'string' || !ROLE.test(role)) problems.push(`${path}.roles.${index} must be a role name (1 to 100 characters, no spaces), got ${show(role)}`);
        else if (given.indexOf(role) !== index) problems.push(`${path}.roles.${index} repeats role "${role}"`);
      });
      roles = given as string[];
    }
  }

  let requireRole = fallback.requireRole;
  if (Object.hasOwn(spec, 'requireRole')) {
    if (spec.requireRole === null) requireRole = undefined;
    else if (typeof spec.requireRole !== 'string' || !ROLE.test(spec.requireRole)) problems.push(`${path}.requireRole must be a role name, got ${show(spec.requireRole)}`);
    else requireRole = spec.requireRole;
  }

  if (problems.length > before) return undefined;
  if (required > 0 && roles.length === 0) problems.push(`${path}.roles must name at least one role when ${required} approval(s) are required`);
  if (requireRole !== undefined && required === 0) problems.push(`${path}.requireRole needs at least one required approval`);
  if (requireRole !== undefined && !roles.includes(requireRole)) problems.push(`${path}.requireRole "${requireRole}" must be one of ${path}.roles (${roles.join(', ')})`);
  if (problems.length > before) return undefined;
  return rule(required, roles, requireRole);
}

function checkCriticalFloor(critical: ApprovalRule, problems: string[]): void {
  const floor = DEFAULT_POLICY.approvals.CRITICAL;
  if (critical.required < floor.required) {
    problems.push(`approvals.CRITICAL.required must be at least ${floor.required}: CRITICAL may only be made stricter`);
  }
  if (critical.requireRole !== floor.requireRole) {
    problems.push(`approvals.CRITICAL.requireRole must stay "${floor.requireRole}": CRITICAL may only be made stricter`);
  }
  const extra = critical.roles.filter((role) => !floor.roles.includes(role));
  if (extra.length > 0) {
    problems.push(`approvals.CRITICAL.roles may only drop roles from ${floor.roles.join(', ')}, not add ${extra.join(', ')}: CRITICAL may only be made stricter`);
  }
}

function checkAscending(approvals: Readonly<Record<BlastRadius, ApprovalRule>>, problems: string[]): void {
  for (let i = 1; i < BLAST_RADII.length; i++) {
    const lower = BLAST_RADII[i - 1]!;
    const higher = BLAST_RADII[i]!;
    if (approvals[higher].required < approvals[lower].required) {
      problems.push(`approvals.${higher}.required (${approvals[higher].required}) must not be lower than approvals.${lower}.required (${approvals[lower].required})`);
    }
  }
}

function readDuration(value: unknown, path: string, fallback: number, problems: string[]): number {
  if (value === undefined) return fallback;
  const match = typeof value === 'string' ? DURATION.exec(value) : null;
  if (!match) {
    problems.push(`${path} must be a duration such as 30m, 24h or 3d, got ${show(value)}`);
    return fallback;
  }
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  if (ms < MIN_TTL_MS || ms > MAX_TTL_MS) {
    problems.push(`${path} must be from 1m to 365d, got ${value as string}`);
    return fallback;
  }
  return ms;
}

function unknownKeys(value: Record<string, unknown>, path: string, allowed: readonly string[], problems: string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) problems.push(`${path === '' ? key : `${path}.${key}`} is not a policy key; expected one of ${allowed.join(', ')}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= 60 ? text : `${text.slice(0, 57)}...`;
}
