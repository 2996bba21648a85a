// Dev tokens for the gateway tests, signed with jose like an identity provider would sign them.
import { SignJWT } from 'jose';
import type { CryptoKey, KeyObject } from 'jose';

/** The HS256 secret the test gateways verify with (JWT_SECRET). */
export const TEST_JWT_SECRET = 'gateway-tests-hs256-secret-0123456789abcdef';

export interface TokenClaims {
  readonly tenantId?: unknown;
  readonly sub?: unknown;
  readonly roles?: unknown;
  /** Seconds from now; negative for an expired token. Default 300. */
  readonly expiresIn?: number;
  /** Leave out the exp claim. */
  readonly noExpiry?: boolean;
  /** Extra claims, or claims to override. */
  readonly extra?: Record<string, unknown>;
}

export interface SignOptions {
  readonly secret?: string;
  /** Sign with an asymmetric key instead (JWKS mode). */
  readonly key?: CryptoKey | KeyObject;
  readonly alg?: string;
  readonly kid?: string;
}

export async function signToken(claims: TokenClaims, options: SignOptions = {}): Promise<string> {
  const payload: Record<string, unknown> = { ...claims.extra };
  if (claims.tenantId !== undefined) payload.tenant_id = claims.tenantId;
  if (claims.roles !== undefined) payload.roles = claims.roles;
  const jwt = new SignJWT(payload).setProtectedHeader({ alg: options.alg ?? 'HS256', ...(options.kid === undefined ? {} : { kid: options.kid }) }).setIssuedAt();
  if (claims.sub !== undefined) jwt.setSubject(claims.sub as string);
  if (claims.noExpiry !== true) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + (claims.expiresIn ?? 300));
  return jwt.sign(options.key ?? new TextEncoder().encode(options.secret ?? TEST_JWT_SECRET));
}

/** A valid token for `tenantId` with `roles` (default viewer). */
export function tokenFor(tenantId: string, roles: readonly string[] = ['viewer'], sub = 'user:test'): Promise<string> {
  return signToken({ tenantId, roles, sub });
}
