// Verified tokens, remembered. A client sends the same bearer token with every request until it
// expires, and verifying it (an RSA or ECDSA signature with a JWKS) is a fixed cost per request
// that the answer does not depend on. Like Envoy's jwt_authn cache, the verified claims are kept
// by the exact token text: a hit needs the same bytes, signature included, so nothing unverified
// is ever accepted. What a hit does not see is a change at the issuer, such as a key removed
// from the JWKS: that is why an entry is trusted at most `maxAgeMs` (default 60 s), and never
// past the token's expiry. (Settings such as the issuer or audience change only with a restart,
// which empties the cache.)
// Failed verifications are not remembered: every bad token pays the full check.
import type { AuthContext, TokenVerifier } from './auth.ts';

export interface TokenCacheOptions {
  /** Most tokens remembered; the least recently verified go first. 0: no cache. */
  readonly size: number;
  /** Longest an entry is trusted without verifying again. */
  readonly maxAgeMs: number;
  /** The clock (tests). */
  readonly now?: () => number;
}

interface Entry {
  readonly auth: AuthContext;
  /** When the entry stops being trusted: the earlier of its age limit and the token's expiry. */
  readonly trustedUntil: number;
}

export function cachedTokenVerifier(verify: TokenVerifier, options: TokenCacheOptions): TokenVerifier {
  if (options.size === 0) return verify;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  return async (token) => {
    const known = entries.get(token);
    if (known !== undefined) {
      if (now() < known.trustedUntil) return known.auth;
      entries.delete(token); // stale: verify again, which also gives an expired token its error
    }
    const auth = await verify(token);
    const trustedUntil = Math.min(now() + options.maxAgeMs, auth.expiresAt.getTime());
    if (entries.size >= options.size) entries.delete(entries.keys().next().value!);
    entries.set(token, { auth, trustedUntil });
    return auth;
  };
}
