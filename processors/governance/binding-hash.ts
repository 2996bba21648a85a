// The binding hash of ARCHITECTURE §6: sha256 (hex) of the RFC 8785 canonical JSON of
// {tenantId, proposalId, actionType, actionTypeVersion, parameters, targets,
//  simulation: {affected: [{objectType, objectId, version}], diff}, blastRadius, expiresAt}.
// An approval counts only if it carries the current hash, so the hash must cover everything an
// approver agreed to, and nothing that can change without changing what they agreed to.
import { canonicalJson, sha256Hex } from '../../runtime/canonical-json.ts';

export type BlastRadius = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

export const BLAST_RADII: readonly BlastRadius[] = Object.freeze(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);

export interface BindingTarget {
  readonly objectType: string;
  readonly objectId: string;
}

export interface BindingAffectedObject {
  readonly objectType: string;
  readonly objectId: string;
  readonly version: number;
}

export interface BindingPayload {
  readonly tenantId: string;
  readonly proposalId: string;
  readonly actionType: string;
  readonly actionTypeVersion: number;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly targets: readonly BindingTarget[];
  readonly simulation: {
    readonly affected: readonly BindingAffectedObject[];
    readonly diff: unknown;
  };
  readonly blastRadius: BlastRadius;
  /** RFC 3339 UTC with milliseconds, exactly as `new Date(ms).toISOString()` writes it. */
  readonly expiresAt: string;
}

// The one spelling of an instant that is hashed: two spellings of the same instant
// ("...T10:00:00Z", "...T10:00:00.000Z", "+00:00") would otherwise give two hashes.
const EXPIRES_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The binding hash of a proposal (lowercase hex SHA-256). Exactly the fields of
 * {@link BindingPayload} are hashed, picked one by one: extra properties on the argument (a
 * database row, a decoded record) never change the hash. Arrays keep their order (JCS does not
 * sort arrays): `targets` are referred to by position in the action's effects, and the simulation
 * must list `affected` in a deterministic order.
 *
 * Throws a TypeError for a payload that would make the hash ambiguous: a version that is not a
 * safe integer (a bigint column read as a string would hash differently from the number), an
 * unknown blast radius, an expiresAt not in toISOString() form, or a value JCS cannot represent.
 */
export function bindingHash(payload: BindingPayload): string {
  return sha256Hex(canonicalJson(bindingDocument(payload)));
}

/** The document {@link bindingHash} hashes, for logging or for a verifier in another language. */
export function bindingDocument(payload: BindingPayload): Record<string, unknown> {
  check(payload);
  return {
    // Binds the approval to one tenant: the same proposal id in another tenant is another act.
    tenantId: payload.tenantId,
    // Binds it to this proposal: an approval cannot be replayed onto a lookalike proposal.
    proposalId: payload.proposalId,
    // What will be done, and under which definition of the action type: a new version of
    // the tool may have different effects for the same parameters.
    actionType: payload.actionType,
    actionTypeVersion: payload.actionTypeVersion,
    // How it will be done: changing any argument changes the act.
    parameters: payload.parameters,
    // To what: the objects the proposal names.
    targets: payload.targets.map((t) => ({ objectType: t.objectType, objectId: t.objectId })),
    simulation: {
      // The state the approver saw: execution re-checks these versions and marks the proposal
      // STALE if any moved, so they must be the ones approved.
      affected: payload.simulation.affected.map((a) => ({ objectType: a.objectType, objectId: a.objectId, version: a.version })),
      // What the approver was shown would change.
      diff: payload.simulation.diff,
    },
    // How many approvals the policy required: a re-simulation that raises the radius must
    // not inherit approvals given under a lower one.
    blastRadius: payload.blastRadius,
    // How long the approval may be acted on: extending the deadline needs a new approval.
    expiresAt: payload.expiresAt,
  };
}

function check(payload: BindingPayload): void {
  if (!Number.isSafeInteger(payload.actionTypeVersion)) {
    throw new TypeError(`bindingHash: actionTypeVersion must be a safe integer, got ${JSON.stringify(payload.actionTypeVersion)}`);
  }
  payload.simulation.affected.forEach((a, i) => {
    if (!Number.isSafeInteger(a.version)) {
      throw new TypeError(`bindingHash: simulation.affected[${i}].version must be a safe integer, got ${JSON.stringify(a.version)}`);
    }
  });
  if (!BLAST_RADII.includes(payload.blastRadius)) {
    throw new TypeError(`bindingHash: blastRadius must be one of ${BLAST_RADII.join(', ')}, got ${JSON.stringify(payload.blastRadius)}`);
  }
  if (!isCanonicalInstant(payload.expiresAt)) {
    throw new TypeError(`bindingHash: expiresAt must be RFC 3339 UTC with milliseconds as toISOString() writes it (e.g. 2030-01-01T00:00:00.000Z), got ${JSON.stringify(payload.expiresAt)}`);
  }
}

function isCanonicalInstant(value: unknown): boolean {
  if (typeof value !== 'string' || !EXPIRES_AT.test(value)) return false;
  // Rejects impossible dates such as February 30th, which Date would roll over.
  const ms = Date.parse(value);
  return !Number.isNaN(ms) && new Date(ms).toISOString() === value;
}
