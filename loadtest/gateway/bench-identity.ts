// The identity provider of the gateway benchmark: an RS256 key pair made for the run, its public
// key set served on loopback (JWKS_URL of both servers: the gateway refuses HS256 in production
// mode), and the tokens signed with it.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

export interface BenchIdentity {
  readonly jwksUrl: string;
  /** A token for `tenantId` with `roles`, valid for `seconds`. */
  token(tenantId: string, roles: readonly string[], seconds: number): Promise<string>;
  close(): Promise<void>;
}

export async function startBenchIdentity(): Promise<BenchIdentity> {
  const kid = randomUUID();
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const body = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] });
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    token: (tenantId, roles, seconds) => sign(privateKey, kid, tenantId, roles, seconds),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function sign(key: CryptoKey, kid: string, tenantId: string, roles: readonly string[], seconds: number): Promise<string> {
  return new SignJWT({ tenant_id: tenantId, roles: [...roles] })
    .setProtectedHeader({ alg: 'RS256', kid })
    .setSubject('user:bench')
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
    .sign(key);
}
