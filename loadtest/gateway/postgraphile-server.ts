// PostGraphile v5 serving the same database as the gateway, as the gateway benchmark's baseline
// (loadtest/README.md, "Gateway"). A child process of the benchmark, so that it does not share an
// event loop with the load generator:
//   DATABASE_URL=<the l3_gateway role> JWKS_URL=<key set> PORT=0 node loadtest/gateway/postgraphile-server.ts
// It connects as the same role as the gateway (l3_gateway: SELECT only, no BYPASSRLS) with a pool
// of the same size, verifies the same bearer tokens against the same key set, and sets the same
// `app.tenant_id` (pgSettings: set_config(..., true) inside the request's transaction), so
// row-level security filters both servers identically. Production-like: no GraphiQL, no watch.
// Prints one line `{"port": N}` on stdout when it listens.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import pg from 'pg';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

const databaseUrl = process.env.DATABASE_URL;
const jwksUrl = process.env.JWKS_URL;
if (databaseUrl === undefined || jwksUrl === undefined) throw new Error('DATABASE_URL and JWKS_URL are required');
const poolSize = Number(process.env.POOL_SIZE ?? '10');
const port = Number(process.env.PORT ?? '0');

const keySet = createRemoteJWKSet(new URL(jwksUrl));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The tenant of a verified bearer token, as the gateway's auth.ts reads it (same claims, same algorithms). */
async function tenantOf(header: string | string[] | undefined): Promise<string> {
  const match = typeof header === 'string' ? /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(header.trim()) : null;
  if (match === null) throw new Error('missing or malformed Authorization header');
  const { payload } = await jwtVerify(match[1]!, keySet, { requiredClaims: ['exp', 'sub', 'tenant_id', 'roles'], clockTolerance: 5, algorithms: ['RS256'] });
  const tenantId = (payload as { tenant_id?: unknown }).tenant_id;
  if (typeof tenantId !== 'string' || !UUID.test(tenantId)) throw new Error('token claim invalid: tenant_id must be a UUID');
  return tenantId;
}

const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, application_name: 'l3-bench-postgraphile' });
pool.on('error', () => {});

const preset: GraphileConfig.Preset = {
  extends: [PostGraphileAmberPreset],
  // By default v5 exposes a backward relation, a condition or an order only where an index
  // starts with its columns; the links' foreign keys to objects lead with to_object_type_id, the
  // indexes with to_object_id. Off, it is v4's ignoreIndexes: the schema says what the tables
  // hold, and Postgres picks the index.
  disablePlugins: ['PgIndexBehaviorsPlugin'],
  pgServices: [makePgService({ pool, schemas: ['public'] })],
  grafserv: { graphiqlOnGraphQLGET: false, graphiql: false, watch: false, maxRequestLength: 256 * 1024 },
  grafast: {
    async context(requestContext) {
      const tenantId = await tenantOf(requestContext.node?.req.headers.authorization);
      return { pgSettings: { 'app.tenant_id': tenantId, statement_timeout: '5000' } };
    },
  },
  schema: { exportSchemaSDLPath: process.env.EXPORT_SCHEMA || undefined },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
serv.addTo(server).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  // The schema is built on the first request otherwise; build it now, so nothing timed pays for it.
  void Promise.resolve(pgl.getSchemaResult()).then(() => process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`));
});
const stop = (): void => {
  server.close();
  void Promise.resolve(pgl.release()).then(() => pool.end()).finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
