// Signed checkpoints of a tenant's audit chain head (ARCHITECTURE §7). The chain alone shows
// that no row was changed without recomputing every later hash; it cannot show that someone with
// write access did recompute them, or dropped the newest rows. A checkpoint kept outside the
// database, signed with a key the database never sees, can: the row at checkpoint.seq must
// still have checkpoint.hash, and the chain must still reach it.
import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';
import { verifyChain } from './verify-chain.ts';
import type { ChainRow, ChainVerification } from './verify-chain.ts';

export interface Checkpoint {
  readonly tenantId: string;
  readonly seq: number;
  /** The hash of the row at seq (lowercase hex). */
  readonly hash: string;
  /** When it was signed, RFC 3339 UTC (toISOString). */
  readonly createdAt: string;
  /** Names the key that signed it, so verifiers can pick the public key after a rotation. */
  readonly keyId: string;
  /** Ed25519 signature (base64) of {@link checkpointSigningInput}. */
  readonly signature: string;
}

export type UnsignedCheckpoint = Omit<Checkpoint, 'signature'>;

// Domain separation: these bytes can never be mistaken for another signed L3 document.
const CHECKPOINT_DOMAIN = 'aix.l3.audit.checkpoint.v1';
const HASH = /^[0-9a-f]{64}$/;

/**
 * The bytes signed: the RFC 8785 canonical JSON of every field but the signature, plus a
 * domain tag. Canonical, so any implementation can rebuild them from the checkpoint file.
 */
export function checkpointSigningInput(checkpoint: UnsignedCheckpoint): Buffer {
  const { tenantId, seq, hash, createdAt, keyId } = checkpoint;
  return Buffer.from(canonicalJson({ domain: CHECKPOINT_DOMAIN, tenantId, seq, hash, createdAt, keyId }), 'utf8');
}

/** Signs the head `{tenantId, seq, hash}` with an Ed25519 private key (PKCS#8 PEM). */
export function signCheckpoint(
  head: { readonly tenantId: string; readonly seq: number; readonly hash: string },
  privateKeyPem: string,
  keyId: string,
  now: Date = new Date(),
): Checkpoint {
  const key = ed25519Key(createPrivateKey(privateKeyPem), 'private');
  const unsigned: UnsignedCheckpoint = { tenantId: head.tenantId, seq: head.seq, hash: head.hash, createdAt: now.toISOString(), keyId };
  checkFields(unsigned);
  // Ed25519 hashes internally: the algorithm argument is null (node:crypto).
  return { ...unsigned, signature: sign(null, checkpointSigningInput(unsigned), key).toString('base64') };
}

/** True when `checkpoint` was signed by the Ed25519 key whose public half is `publicKeyPem` (SPKI PEM). */
export function verifyCheckpointSignature(checkpoint: Checkpoint, publicKeyPem: string): boolean {
  const key = ed25519Key(createPublicKey(publicKeyPem), 'public');
  const signature = Buffer.from(checkpoint.signature, 'base64');
  // Ed25519 signatures are 64 bytes; also rejects text that is not base64 at all.
  if (signature.length !== 64 || signature.toString('base64') !== checkpoint.signature) return false;
  return verify(null, checkpointSigningInput(checkpoint), key, signature);
}

/**
 * The chain in `rows` (all of one tenant's rows, seq order) verifies and still contains the
 * checkpointed head: the row at checkpoint.seq has checkpoint.hash. Does not check the
 * signature (see verifyCheckpointSignature) or the tenant (rows do not carry it).
 */
export function verifyAgainstCheckpoint(rows: readonly ChainRow[], checkpoint: Checkpoint): ChainVerification {
  const chain = verifyChain(rows);
  if (!chain.ok) return chain;
  return compareWithCheckpoint(chain, rows[checkpoint.seq - 1]?.hash, checkpoint);
}

/**
 * The checkpoint half of {@link verifyAgainstCheckpoint}, for a chain verified in pages:
 * `chain` is the verified chain and `hashAtSeq` the hash of its row at checkpoint.seq (undefined
 * if it has no such row).
 */
export function compareWithCheckpoint(chain: ChainVerification, hashAtSeq: string | undefined, checkpoint: Checkpoint): ChainVerification {
  if (!chain.ok) return chain;
  if (chain.length < checkpoint.seq || hashAtSeq === undefined) {
    return {
      ok: false,
      firstBadSeq: chain.length + 1,
      reason: `chain truncated: the checkpoint of ${checkpoint.createdAt} covers seq ${checkpoint.seq}, but the chain ends at seq ${chain.length}`,
    };
  }
  if (hashAtSeq !== checkpoint.hash) {
    return {
      ok: false,
      firstBadSeq: checkpoint.seq,
      reason:
        `history rewritten before the checkpoint: seq ${checkpoint.seq} has hash ${hashAtSeq}, but the checkpoint of ` +
        `${checkpoint.createdAt} signed ${checkpoint.hash} (an event at or before seq ${checkpoint.seq} was changed and the hashes recomputed)`,
    };
  }
  return chain;
}

/** Checks that `value` (e.g. a parsed checkpoint file) is a well-formed Checkpoint; throws a TypeError naming the bad field. */
export function parseCheckpoint(value: unknown): Checkpoint {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError('checkpoint: expected a JSON object');
  const record = value as Record<string, unknown>;
  for (const field of ['tenantId', 'hash', 'createdAt', 'keyId', 'signature'] as const) {
    if (typeof record[field] !== 'string') throw new TypeError(`checkpoint: ${field} must be a string`);
  }
  const checkpoint: Checkpoint = {
    tenantId: record.tenantId as string,
    seq: record.seq as number,
    hash: record.hash as string,
    createdAt: record.createdAt as string,
    keyId: record.keyId as string,
    signature: record.signature as string,
  };
  checkFields(checkpoint);
  return checkpoint;
}

function checkFields(checkpoint: UnsignedCheckpoint): void {
  if (!Number.isSafeInteger(checkpoint.seq) || checkpoint.seq < 1) throw new TypeError(`checkpoint: seq must be a positive integer, got ${JSON.stringify(checkpoint.seq)}`);
  if (!HASH.test(checkpoint.hash)) throw new TypeError('checkpoint: hash must be 64 lowercase hex characters');
  if (checkpoint.keyId.length === 0) throw new TypeError('checkpoint: keyId must not be empty');
  if (checkpoint.tenantId.length === 0) throw new TypeError('checkpoint: tenantId must not be empty');
}

function ed25519Key(key: KeyObject, kind: 'private' | 'public'): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(`expected an Ed25519 ${kind} key, got ${key.asymmetricKeyType ?? 'a symmetric key'}`);
  }
  return key;
}
