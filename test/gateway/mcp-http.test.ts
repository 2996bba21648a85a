// The MCP endpoint over HTTP: every request needs a valid bearer token (401 with
// WWW-Authenticate and a JSON-RPC error naming the code, before the body is read or a database
// connection taken), the SDK client reports that refusal, the stateless server answers 405 to
// GET and DELETE, and GATEWAY_MCP_ENABLED=false removes the endpoint.
import { UnsecuredJWT } from 'jose';
import t from 'tap';
import { startGateway } from '../support/gateway/gateway-harness.ts';
import { waitFor } from '../support/materializer/harness.ts';
import { callTool, connectMcp, mcpUrl } from '../support/gateway/mcp-client.ts';
import { signToken, tokenFor } from '../support/gateway/tokens.ts';
import { seedTwoTenants, TENANT_A } from '../support/gateway/two-tenants.ts';

const seeded = await seedTwoTenants(t);
const gateway = await startGateway(t, seeded.db.gateway);
const url = await mcpUrl(gateway.app);

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

function post(headers: Record<string, string>, body: unknown = INITIALIZE): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

t.test('a valid token initializes a session-less connection', async (t) => {
  const response = await post({ authorization: `Bearer ${await tokenFor(TENANT_A)}` });
  t.equal(response.status, 200);
  t.equal(response.headers.get('mcp-session-id'), null, 'stateless: no session');
  const body = await response.json();
  t.match(body, { jsonrpc: '2.0', id: 1, result: { serverInfo: { name: 'aix-l3-truth-api' }, capabilities: { tools: {} } } });
});

t.test('bad tokens are 401 with a clear message, before any database work', async (t) => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['no Authorization header', {}, /missing Authorization header/],
    ['not a bearer token', { authorization: 'Basic dXNlcjpwYXNz' }, /malformed Authorization header/],
    ['expired', { authorization: `Bearer ${await signToken({ tenantId: TENANT_A, sub: 'u', roles: ['viewer'], expiresIn: -60 })}` }, /token expired/],
    [
      'wrong signature',
      { authorization: `Bearer ${await signToken({ tenantId: TENANT_A, sub: 'u', roles: ['admin'] }, { secret: 'another-secret-of-at-least-thirty-two-chars' })}` },
      /signature does not verify/,
    ],
    ['unsigned (alg none)', { authorization: `Bearer ${new UnsecuredJWT({ tenant_id: TENANT_A, sub: 'u', roles: ['admin'] }).setExpirationTime('5m').encode()}` }, /token/],
    ['no tenant', { authorization: `Bearer ${await signToken({ sub: 'u', roles: ['viewer'] })}` }, /tenant_id/],
    ['unknown role', { authorization: `Bearer ${await signToken({ tenantId: TENANT_A, sub: 'u', roles: ['root'] })}` }, /roles/],
  ];
  const transactions = await gateway.dbTransactions();
  for (const [name, headers, message] of cases) {
    const response = await post(headers);
    t.equal(response.status, 401, `${name}: 401`);
    t.match(response.headers.get('www-authenticate'), /^Bearer/, `${name}: WWW-Authenticate`);
    const body = (await response.json()) as { error: { message: string } };
    t.match(body, { jsonrpc: '2.0', id: null, error: { data: { code: 'UNAUTHENTICATED' } } }, `${name}: a JSON-RPC error with the code`);
    t.match(body.error.message, message, `${name}: ${body.error.message}`);
  }
  t.equal(await gateway.dbTransactions(), transactions, 'no transaction was opened');
  // The token is checked before the body: garbage from an unauthenticated client is still 401.
  t.equal((await post({}, '{"jsonrpc": ')).status, 401);
});

t.test('the SDK client reports the refusal', async (t) => {
  const expired = await signToken({ tenantId: TENANT_A, sub: 'u', roles: ['viewer'], expiresIn: -60 });
  await t.rejects(connectMcp(t, url, expired), { code: 401, message: /UNAUTHENTICATED: token expired/ });
  await t.rejects(connectMcp(t, url, undefined), { code: 401, message: /UNAUTHENTICATED: missing Authorization header/ });
});

t.test('every request is authenticated, not only the first', async (t) => {
  // A token that expires between two calls of one client: the second call is refused.
  const shortLived = await signToken({ tenantId: TENANT_A, sub: 'u', roles: ['viewer'], expiresIn: 2 });
  const client = await connectMcp(t, url, shortLived);
  t.notOk((await callTool(client, 'describe_types')).result.isError);
  // jose allows 5 s of clock skew (auth.ts): calls go on succeeding until the token is past it.
  let refusal: unknown;
  await waitFor('the short-lived token to be refused', async () => {
    refusal = await callTool(client, 'describe_types').then(() => undefined, (error: unknown) => error);
    return refusal !== undefined;
  }, 60_000, 250);
  t.match(refusal, { code: 401, message: /UNAUTHENTICATED: token expired/ });
});

t.test('GET and DELETE are 405: no event stream, no session', async (t) => {
  const token = await tokenFor(TENANT_A);
  for (const method of ['GET', 'DELETE']) {
    const response = await fetch(url, { method, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } });
    t.equal(response.status, 405, method);
    t.equal(response.headers.get('allow'), 'POST');
  }
});

t.test('GATEWAY_MCP_ENABLED=false removes the endpoint; GraphQL stays', async (t) => {
  const off = await startGateway(t, seeded.db.gateway, { GATEWAY_MCP_ENABLED: 'false' });
  const token = await tokenFor(TENANT_A);
  const response = await off.app.inject({ method: 'POST', url: '/mcp', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, payload: INITIALIZE });
  t.equal(response.statusCode, 404);
  t.same((await off.query(token, '{ viewer { tenantId } }')).body.data, { viewer: { tenantId: TENANT_A } });
});
