// The verified-token cache (gateway/token-cache.ts): a hit needs the exact token, an entry is
// trusted until its age limit or the token's expiry (whichever comes first), failures are never
// remembered, and the size is bounded.
import t from 'tap';
import type { AuthContext } from '../../gateway/auth.ts';
import { GatewayError } from '../../gateway/errors.ts';
import { cachedTokenVerifier } from '../../gateway/token-cache.ts';

const T0 = 1_800_000_000_000;

function fixture(size = 3, maxAgeMs = 60_000) {
  let clock = T0;
  const verified: string[] = [];
  const verify = async (token: string): Promise<AuthContext> => {
    verified.push(token);
    if (token.startsWith('bad')) throw new GatewayError('UNAUTHENTICATED', 'token signature does not verify');
    const lifetime = token.startsWith('short') ? 10_000 : 3_600_000;
    if (clock >= T0 + lifetime) throw new GatewayError('UNAUTHENTICATED', 'token expired');
    return { tenantId: 't', subject: token, roles: ['viewer'], expiresAt: new Date(T0 + lifetime) };
  };
  const cached = cachedTokenVerifier(verify, { size, maxAgeMs, now: () => clock });
  return { cached, verified, advance: (ms: number) => (clock += ms) };
}

t.test('the same token is verified once while trusted; another token is verified on its own', async (t) => {
  const { cached, verified } = fixture();
  const first = await cached('a');
  t.equal(await cached('a'), first, 'the remembered claims');
  await cached('b');
  t.same(verified, ['a', 'b']);
});

t.test('an entry is trusted at most maxAgeMs, then verified again', async (t) => {
  const { cached, verified, advance } = fixture(3, 60_000);
  await cached('a');
  advance(59_999);
  await cached('a');
  advance(1);
  await cached('a');
  t.same(verified, ['a', 'a']);
});

t.test('never past the token expiry: the expired token then gets its error', async (t) => {
  const { cached, verified, advance } = fixture();
  await cached('short');
  advance(10_000);
  await t.rejects(cached('short'), /token expired/);
  t.same(verified, ['short', 'short']);
});

t.test('failures are not remembered', async (t) => {
  const { cached, verified } = fixture();
  await t.rejects(cached('bad'), { code: 'UNAUTHENTICATED' });
  await t.rejects(cached('bad'), { code: 'UNAUTHENTICATED' });
  t.same(verified, ['bad', 'bad']);
});

t.test('bounded: the oldest entry goes first; size 0 is no cache', async (t) => {
  const { cached, verified } = fixture(2);
  await cached('a');
  await cached('b');
  await cached('c'); // evicts a
  await cached('b');
  await cached('a');
  t.same(verified, ['a', 'b', 'c', 'a']);
  const off = fixture(0);
  await off.cached('a');
  await off.cached('a');
  t.same(off.verified, ['a', 'a']);
});
