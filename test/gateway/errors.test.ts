// The error table: one code per entry, each documented in gateway/README.md, and how errors
// leave the gateway: always a code, no internal detail in production.
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import t from 'tap';
import { GATEWAY_ERROR_CODES, GATEWAY_ERRORS, GatewayError } from '../../gateway/errors.ts';
import { startGateway } from '../support/gateway/gateway-harness.ts';
import { signToken, tokenFor } from '../support/gateway/tokens.ts';
import { seedTwoTenants, TENANT_A } from '../support/gateway/two-tenants.ts';

t.test('codes are unique, complete and documented', async (t) => {
  const readme = readFileSync(new URL('../../gateway/README.md', import.meta.url), 'utf8');
  t.equal(new Set(GATEWAY_ERROR_CODES).size, GATEWAY_ERROR_CODES.length);
  for (const code of GATEWAY_ERROR_CODES) {
    const entry = GATEWAY_ERRORS[code];
    t.ok(entry.status >= 400 && entry.status < 600, `${code}: an HTTP error status`);
    t.ok(entry.message.length > 0 && entry.doc.length > 0, `${code}: message and doc`);
    t.match(readme, new RegExp(`\\|\\s*\`${code}\`\\s*\\|`), `${code} is in the README's table`);
  }
  const error = new GatewayError('NOT_FOUND', 'no such thing', { cause: new Error('why') });
  t.same([error.code, error.extensions, error.statusCode, error.retryable, error.message], ['NOT_FOUND', { code: 'NOT_FOUND' }, 404, false, 'no such thing']);
  t.equal((error.cause as Error).message, 'why');
});

t.test('unexpected errors', async (t) => {
  const seeded = await seedTwoTenants(t);
  // An extension field that fails the way a bug would, with details nobody outside should see.
  const extensions = {
    schema: ['extend type Query { "Fails on purpose (test)." boom: String }'],
    resolvers: {
      Query: {
        boom: () => {
          throw new Error('connection to 10.0.0.7:5432 refused; password=hunter2');
        },
      },
    },
  };
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const keySet = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k', alg: 'ES256' }] });
  const production = await startGateway(t, seeded.db.gateway, { GATEWAY_MODE: 'production', JWT_SECRET: '', JWKS_URL: 'https://id.example/jwks' }, { keySet, extensions });
  const development = await startGateway(t, seeded.db.gateway, {}, { extensions });
  const prodToken = await signToken({ tenantId: TENANT_A, sub: 'u', roles: ['viewer'] }, { key: privateKey, alg: 'ES256', kid: 'k' });

  t.test('in production say "internal error" and nothing more', async (t) => {
    const response = await production.query(prodToken, '{ viewer { subject } boom }');
    t.same(response.body.data, { viewer: { subject: 'u' }, boom: null });
    t.same(response.body.errors, [{ message: 'internal error', locations: [{ line: 1, column: 22 }], path: ['boom'], extensions: { code: 'INTERNAL' } }]);
    t.notMatch(JSON.stringify(response.body), /hunter2|10\.0\.0\.7|stack|at /);
  });

  t.test('in development keep the message, still with a code and no stack', async (t) => {
    const response = await development.query(await tokenFor(TENANT_A), '{ boom }');
    t.same(response.codes, ['INTERNAL']);
    t.match(response.body.errors![0]!.message, /refused/);
    t.notMatch(JSON.stringify(response.body), /stack/);
  });

  t.test('client errors keep their message and get a code in both modes', async (t) => {
    for (const [gateway, token] of [
      [production, prodToken],
      [development, await tokenFor(TENANT_A)],
    ] as const) {
      const syntax = await gateway.query(token, '{ viewer { ');
      t.same(syntax.codes, ['BAD_USER_INPUT']);
      t.match(syntax.body.errors![0]!.message, /Syntax Error/);
      const unknownField = await gateway.query(token, '{ nope }');
      t.same(unknownField.codes, ['BAD_USER_INPUT']);
      const badVariable = await gateway.query(token, 'query Q($n: Int) { objects(type: "Customer", first: $n) { nodes { id } } }', { n: 'ten' });
      t.same(badVariable.codes, ['BAD_USER_INPUT']);
      const badJson = await gateway.app.inject({ method: 'POST', url: '/graphql', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, payload: '{"query": ' });
      t.equal(badJson.statusCode, 400);
      t.equal(badJson.json().errors[0].extensions.code, 'BAD_USER_INPUT');
    }
  });
});
