// The audit signing key of `l3 audit checkpoint export`, read from the environment here and
// nowhere else: L3_AUDIT_SIGNING_KEY (an Ed25519 private key, PKCS#8 PEM; `l3 audit keygen`
// makes one for development) and L3_AUDIT_KEY_ID (the name verifiers know its public key by).
// Read only by the command that signs, so verifying never needs the secret.
import { createPrivateKey } from 'node:crypto';
import { CliError } from './cli-error.ts';

export interface AuditSigningConfig {
  /** PKCS#8 PEM of an Ed25519 private key. */
  readonly signingKeyPem: string;
  readonly keyId: string;
}

const KEY_ID = /^[A-Za-z0-9._:@/-]{1,128}$/;

export function loadAuditSigningConfig(env: NodeJS.ProcessEnv = process.env): AuditSigningConfig {
  const raw = env.L3_AUDIT_SIGNING_KEY;
  if (raw === undefined || raw.trim() === '') {
    throw new CliError('USAGE', 'L3_AUDIT_SIGNING_KEY is not set: export the Ed25519 private key (PKCS#8 PEM) that signs audit checkpoints (`l3 audit keygen --out-dir DIR` makes a development key)');
  }
  // An env file often carries a PEM on one line with literal \n.
  const signingKeyPem = raw.includes('\\n') && !raw.includes('\n') ? raw.replaceAll('\\n', '\n') : raw;
  let keyType: string | undefined;
  try {
    keyType = createPrivateKey(signingKeyPem).asymmetricKeyType;
  } catch (error) {
    throw new CliError('USAGE', `L3_AUDIT_SIGNING_KEY is not a PEM private key: ${(error as Error).message}`, { cause: error });
  }
  if (keyType !== 'ed25519') {
    throw new CliError('USAGE', `L3_AUDIT_SIGNING_KEY must be an Ed25519 private key (PKCS#8 PEM), got a ${keyType ?? 'non-asymmetric'} key`);
  }

  const keyId = env.L3_AUDIT_KEY_ID;
  if (keyId === undefined || keyId === '') {
    throw new CliError('USAGE', 'L3_AUDIT_KEY_ID is not set: name the signing key (e.g. audit-2026-01) so that verifiers can find its public key');
  }
  if (!KEY_ID.test(keyId)) {
    throw new CliError('USAGE', `L3_AUDIT_KEY_ID must be 1-128 characters of A-Z a-z 0-9 . _ : @ / -, got ${JSON.stringify(keyId)}`);
  }
  return Object.freeze({ signingKeyPem, keyId });
}
