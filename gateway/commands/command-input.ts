// Validation of the mutations' arguments beyond what the SDL's types check. Every problem is
// BAD_USER_INPUT naming the argument, raised before anything is encoded or produced.
import type { ObjectRef } from '../../contracts/generated/action-proposed.ts';
import { badInput } from '../errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHA256_HEX = /^[0-9a-f]{64}$/;
// tool_catalog.name and object type names (migration 0004, ontology/ontology-file.ts API_NAME_PATTERN).
const TOOL_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;
const OBJECT_TYPE = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;
const MAX_OBJECT_ID = 512;
// action_proposals.idempotency_key (migration 0004).
const MAX_IDEMPOTENCY_KEY = 256;
const MAX_TARGETS = 100;
const MAX_TEXT = 4_000;
const MAX_PARAMETERS_BYTES = 64 * 1024;

export interface ProposeArgs {
  readonly actionType: string;
  readonly actionTypeVersion?: number | null;
  readonly targets: readonly { readonly type: string; readonly id: string }[];
  readonly parameters: unknown;
  readonly rationale?: string | null;
  readonly idempotencyKey?: string | null;
}

export interface ValidProposal {
  readonly actionType: string;
  readonly actionTypeVersion: number | null;
  readonly targets: readonly ObjectRef[];
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly rationale: string;
  readonly idempotencyKey: string | undefined;
}

export function validProposal(input: ProposeArgs): ValidProposal {
  if (!TOOL_NAME.test(input.actionType)) throw badInput(`input.actionType must be a tool name (${TOOL_NAME.source}), got "${input.actionType}"`);
  const version = input.actionTypeVersion ?? null;
  if (version !== null && version < 1) throw badInput(`input.actionTypeVersion must be a positive integer, got ${version}`);
  if (input.targets.length > MAX_TARGETS) throw badInput(`input.targets may name at most ${MAX_TARGETS} objects, got ${input.targets.length}`);
  const targets = input.targets.map((target, index) => {
    if (!OBJECT_TYPE.test(target.type)) throw badInput(`input.targets[${index}].type must be an object type name (${OBJECT_TYPE.source}), got "${target.type}"`);
    if (target.id.length === 0 || target.id.length > MAX_OBJECT_ID) throw badInput(`input.targets[${index}].id must be 1 to ${MAX_OBJECT_ID} characters`);
    return { objectType: target.type, objectId: target.id };
  });
  const parameters = input.parameters;
  if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)) {
    throw badInput(`input.parameters must be a JSON object, got ${parameters === null ? 'null' : Array.isArray(parameters) ? 'an array' : `a ${typeof parameters}`}`);
  }
  if (Buffer.byteLength(JSON.stringify(parameters)) > MAX_PARAMETERS_BYTES) throw badInput(`input.parameters must be at most ${MAX_PARAMETERS_BYTES} bytes of JSON`);
  const rationale = input.rationale ?? '';
  if (rationale.length > MAX_TEXT) throw badInput(`input.rationale must be at most ${MAX_TEXT} characters`);
  return { actionType: input.actionType, actionTypeVersion: version, targets, parameters: parameters as Record<string, unknown>, rationale, idempotencyKey: idempotencyKey(input.idempotencyKey, 'input.idempotencyKey') };
}

export function validProposalId(value: string): string {
  if (!UUID.test(value)) throw badInput(`proposalId must be a UUID, got "${value}"`);
  return value.toLowerCase();
}

export function validBindingHash(value: string): string {
  if (!SHA256_HEX.test(value)) throw badInput('bindingHash must be the proposal\'s binding hash: 64 lowercase hex characters (sha256)');
  return value;
}

export function validReason(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value.length > MAX_TEXT) throw badInput(`reason must be at most ${MAX_TEXT} characters`);
  return value;
}

export function idempotencyKey(value: string | null | undefined, name = 'idempotencyKey'): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value.length === 0 || value.length > MAX_IDEMPOTENCY_KEY) throw badInput(`${name} must be 1 to ${MAX_IDEMPOTENCY_KEY} characters, got ${value.length}`);
  return value;
}
