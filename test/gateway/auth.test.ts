// Bearer-token authentication: HS256 in development, a remote JWKS in production. Every defect of
// a token is UNAUTHENTICATED (401 with WWW-Authenticate), decided before any database work.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, UnsecuredJWT } from 'jose';
import t from 'tap';
import { startGateway } from '../support/gateway/gateway-harness.ts';
import { signToken, tokenFor } from '../support/gateway/tokens.ts';
import { seedTwoTenants, TENANT_A } from '../support/gateway/two-tenants.ts';

const seeded = await seedTwoTenants(t);
const gateway = await startGateway(t, seeded.db.gateway);
const QUERY = '{ viewer { tenantId subject roles } }';

function tamper(token: string, claims: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const changed = { ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), ...claims };
  return `${header}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${signature}`;
}

t.test('a valid token is accepted, by POST and by GET', async (t) => {
  const token = await signToken({ tenantId: TENANT_A, sub: 'user:alice', roles: ['viewer', 'approver'] });
  const response = await gateway.query(token, QUERY);
  t.equal(response.statusCode, 200);
  t.same(response.body.data, { viewer: { tenantId: TENANT_A, subject: 'user:alice', roles: ['VIEWER', 'APPROVER'] } });
  const get = await gateway.app.inject({ method: 'GET', url: `/graphql?query=${encodeURIComponent(QUERY)}`, headers: { authorization: `Bearer ${token}` } });
  t.equal(get.statusCode, 200);
  t.equal(get.json().data.viewer.subject, 'user:alice');
});

t.test('missing, malformed, expired, forged or incomplete tokens are UNAUTHENTICATED before any database work', async (t) => {
  const valid = await tokenFor(TENANT_A);
  const cases: [string, string | undefined, Record<string, string>?][] = [
    ['no Authorization header', undefined],
    ['not a bearer token', undefined, { authorization: 'Basic dXNlcjpwYXNz' }],
    ['bearer without a token', undefined, { authorization: 'Bearer ' }],
    ['not a JWT', 'not-a-jwt'],
    ['three garbage parts', 'aaa.bbb.ccc'],
    ['expired', await signToken({ tenantId: TENANT_A, sub: 'u', roles: ['viewer'], expiresIn: -60 })],
    ['wrong signature', await signToken({ tenantId: TENANT_A, sub: 'u', roles: ['viewer'] }, { secret: 'another-secret-of-at-least-thirty-two-chars' })],
    ['payload changed after signing', tamper(valid, { tenant_id: '0b0b0b0b-0000-4000-8000-00000000000b' })],
    ['roles raised after signing', tamper(valid, { roles: ['admin'] })],
    ['unsigned (alg none)', new UnsecuredJWT({ tenant_id: TENANT_A, sub: 'u', roles: ['admin'] }).setExpirationTime('5m').encode()],
    ['another HMAC algorithm', await signToken({ tenantId: TENANT_A, sub: 'u', roles: ['viewer'] }, { alg: 'HS512', secret: 'gateway-tests-hs256-secret-0123456789abcdef-and-longer-for-hs512-0123456789' })],
    ['no exp', await signToken({ tenantId: TENANT_A, sub: 'u', roles: ['viewer'], noExpiry: true })],
    ['no tenant_id', await signToken({ sub: 'u', roles: ['viewer'] })],
    ['tenant_id not a UUID', await signToken({ tenantId: 'tenant-a', sub: 'u', roles: ['viewer'] })],
    ['tenant_id not a string', await signToken({ tenantId: 42, sub: 'u', roles: ['viewer'] })],
    ['no sub', await signToken({ tenantId: TENANT_A, roles: ['viewer'] })],
    ['no roles', await signToken({ tenantId: TENANT_A, sub: 'u' })],
    ['empty roles', await signToken({ tenantId: TENANT_A, sub: 'u', roles: [] })],
    ['unknown role', await signToken({ tenantId: TENANT_A, sub: 'u', roles: ['viewer', 'superuser'] })],
    ['roles not a list', await signToken({ tenantId: TENANT_A, sub: 'u', roles: 'admin' })],
    ['not yet valid', await signToken({ tenantId: TENANT_A, sub: 'u', roles: ['viewer'], extra: { nbf: Math.floor(Date.now() / 1000) + 3600 } })],
  ];
  const transactions = await gateway.dbTransactions();
  for (const [name, token, headers] of cases) {
    const response = await gateway.post(token, { query: QUERY }, headers);
    t.equal(response.statusCode, 401, `${name}: 401`);
    t.same(response.codes, ['UNAUTHENTICATED'], `${name}: UNAUTHENTICATED`);
    t.equal(response.body.data, null, `${name}: no data`);
    t.equal(response.headers['www-authenticate'], 'Bearer', `${name}: WWW-Authenticate (RFC 6750)`);
  }
  t.equal(await gateway.dbTransactions(), transactions, 'no request opened a transaction');
});

t.test('issuer and audience are checked when configured', async (t) => {
  const strict = await startGateway(t, seeded.db.gateway, { JWT_ISSUER: 'https://id.example', JWT_AUDIENCE: 'l3-gateway' });
  const base = { tenantId: TENANT_A, sub: 'u', roles: ['viewer'] };
  t.same((await strict.query(await signToken(base), QUERY)).codes, ['UNAUTHENTICATED'], 'no iss/aud');
  t.same((await strict.query(await signToken({ ...base, extra: { iss: 'https://id.example', aud: 'other' } }), QUERY)).codes, ['UNAUTHENTICATED'], 'wrong aud');
  t.same((await strict.query(await signToken({ ...base, extra: { iss: 'https://id.example', aud: 'l3-gateway' } }), QUERY)).codes, [], 'right iss and aud');
});

t.test('production mode verifies tokens against the JWKS and refuses HS256', async (t) => {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const other = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' };
  let fetches = 0;
  let up = true;
  const server = createServer((request, response) => {
    fetches += 1;
    if (!up || request.url !== '/jwks.json') {
      response.writeHead(503).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as AddressInfo).port;
  const production = await startGateway(t, seeded.db.gateway, { GATEWAY_MODE: 'production', JWT_SECRET: '', JWKS_URL: `http://127.0.0.1:${port}/jwks.json` });

  const claims = { tenantId: TENANT_A, sub: 'user:prod', roles: ['viewer'] };
  const good = await signToken(claims, { key: privateKey, alg: 'ES256', kid: 'key-1' });
  const response = await production.query(good, QUERY);
  t.same(response.codes, []);
  t.equal(response.body.data!.viewer.subject, 'user:prod');
  t.ok(fetches >= 1, 'the key set was fetched');

  const unknownKey = await signToken(claims, { key: other.privateKey, alg: 'ES256', kid: 'key-2' });
  t.same((await production.query(unknownKey, QUERY)).codes, ['UNAUTHENTICATED'], 'a key not in the set');
  const wrongKeySameKid = await signToken(claims, { key: other.privateKey, alg: 'ES256', kid: 'key-1' });
  t.same((await production.query(wrongKeySameKid, QUERY)).codes, ['UNAUTHENTICATED'], 'a signature the key does not verify');
  const hmac = await signToken(claims, { secret: JSON.stringify(jwk) });
  t.same((await production.query(hmac, QUERY)).codes, ['UNAUTHENTICATED'], 'HS256 is refused with a JWKS (algorithm confusion)');

  // Keys are cached: a fetched key set keeps verifying while the endpoint is down. (A token not
  // seen before, so the verified-token cache cannot answer for the key set.)
  up = false;
  const fresh = await signToken({ ...claims, sub: 'user:prod-2' }, { key: privateKey, alg: 'ES256', kid: 'key-1' });
  t.same((await production.query(fresh, QUERY)).codes, []);
});

t.test('a key set that cannot be fetched is INTERNAL (500), not the caller\'s fault', async (t) => {
  const server = createServer((_request, response) => response.writeHead(503).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as AddressInfo).port;
  const production = await startGateway(t, seeded.db.gateway, { GATEWAY_MODE: 'production', JWT_SECRET: '', JWKS_URL: `http://127.0.0.1:${port}/jwks.json` });
  const { privateKey } = await generateKeyPair('ES256');
  const token = await signToken({ tenantId: TENANT_A, sub: 'u', roles: ['viewer'] }, { key: privateKey, alg: 'ES256', kid: 'k' });
  const response = await production.query(token, QUERY);
  t.equal(response.statusCode, 500);
  t.same(response.codes, ['INTERNAL']);
  t.equal(response.body.errors![0]!.message, 'cannot verify tokens right now (key set unavailable)');
});
