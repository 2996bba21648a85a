// Bearer-token authentication (ARCHITECTURE §8): a JWT whose claims name the tenant, the subject
// and the roles. Verified with jose against an HS256 secret (development) or the identity
// provider's JWKS (production). Everything wrong with a token is UNAUTHENTICATED; only a key set
// that cannot be fetched is INTERNAL (the token may be fine, the gateway cannot tell).
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import type { JWTPayload, JWTVerifyGetKey, JWTVerifyOptions } from 'jose';
import type { AuthConfig } from './config.ts';
import { GatewayError } from './errors.ts';
import { isRole, type Role } from './roles.ts';

/** Who is asking: the verified claims the gateway acts on. */
export interface AuthContext {
  readonly tenantId: string;
  readonly subject: string;
  readonly roles: readonly Role[];
  readonly expiresAt: Date;
}

export type TokenVerifier = (token: string) => Promise<AuthContext>;

// Asymmetric algorithms only with a JWKS: accepting HS256 there would let anyone who knows a
// public key (which is public) sign tokens with it as an HMAC secret (algorithm confusion).
const JWKS_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Clocks of the issuer and the gateway drift; a few seconds is the usual allowance.
const CLOCK_TOLERANCE_SECONDS = 5;

export interface TokenVerifierOptions {
  /** Replaces the remote key set (tests, or a JWKS the caller already fetched). */
  readonly keySet?: JWTVerifyGetKey;
}

export function createTokenVerifier(config: AuthConfig, options: TokenVerifierOptions = {}): TokenVerifier {
  const verifyOptions: JWTVerifyOptions = {
    requiredClaims: ['exp', 'sub', 'tenant_id', 'roles'],
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    ...(config.issuer === undefined ? {} : { issuer: config.issuer }),
    ...(config.audience === undefined ? {} : { audience: config.audience }),
  };
  if (config.kind === 'secret') {
    const key = new TextEncoder().encode(config.secret);
    const hs256 = { ...verifyOptions, algorithms: ['HS256'] };
    return async (token) => claimsOf(await verifyWith(() => jwtVerify(token, key, hs256)));
  }
  const keySet = options.keySet ?? createRemoteJWKSet(new URL(config.jwksUrl));
  const asymmetric = { ...verifyOptions, algorithms: JWKS_ALGORITHMS };
  return async (token) => claimsOf(await verifyWith(() => jwtVerify(token, keySet, asymmetric)));
}

/** The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1). */
export function bearerToken(header: string | string[] | undefined): string {
  if (header === undefined) throw new GatewayError('UNAUTHENTICATED', 'missing Authorization header (expected "Bearer <token>")');
  if (Array.isArray(header)) throw new GatewayError('UNAUTHENTICATED', 'more than one Authorization header');
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header.trim());
  if (match === null) throw new GatewayError('UNAUTHENTICATED', 'malformed Authorization header (expected "Bearer <token>")');
  return match[1]!;
}

async function verifyWith(verify: () => Promise<{ payload: JWTPayload }>): Promise<JWTPayload> {
  try {
    return (await verify()).payload;
  } catch (error) {
    throw authenticationError(error);
  }
}

function authenticationError(error: unknown): GatewayError {
  if (error instanceof errors.JWTExpired) return new GatewayError('UNAUTHENTICATED', 'token expired', { cause: error });
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
    return new GatewayError('UNAUTHENTICATED', 'token signature does not verify', { cause: error });
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return new GatewayError('UNAUTHENTICATED', 'token algorithm not accepted', { cause: error });
  if (error instanceof errors.JWTClaimValidationFailed) return new GatewayError('UNAUTHENTICATED', `token claim invalid: ${error.message}`, { cause: error });
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return new GatewayError('UNAUTHENTICATED', 'malformed token', { cause: error });
  }
  // Anything else is about the keys, not the token: the key set could not be fetched (network
  // error, non-200 answer, timeout) or read. The token may be fine; the gateway cannot tell.
  return new GatewayError('INTERNAL', 'cannot verify tokens right now (key set unavailable)', { cause: error });
}

function claimsOf(payload: JWTPayload): AuthContext {
  const { tenant_id: tenantId, sub, roles, exp } = payload as JWTPayload & { tenant_id?: unknown; roles?: unknown };
  if (typeof tenantId !== 'string' || !UUID.test(tenantId)) throw new GatewayError('UNAUTHENTICATED', 'token claim invalid: tenant_id must be a UUID');
  if (typeof sub !== 'string' || sub.length === 0) throw new GatewayError('UNAUTHENTICATED', 'token claim invalid: sub must be a non-empty string');
  if (!Array.isArray(roles) || roles.length === 0 || !roles.every(isRole)) {
    throw new GatewayError('UNAUTHENTICATED', 'token claim invalid: roles must be a non-empty list of viewer, operator, approver, admin');
  }
  // requiredClaims made jose check that exp is present and a number in the future.
  return Object.freeze({
    tenantId: tenantId.toLowerCase(),
    subject: sub,
    roles: Object.freeze([...new Set(roles)]),
    expiresAt: new Date((exp as number) * 1000),
  });
}
