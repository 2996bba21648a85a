// What one HTTP request carries through the GraphQL layer: the verified caller, the tenant
// transaction, the limits and the per-request ontology catalog. Created by the authentication
// hook, handed to resolvers and loaders as the Mercurius context, ended by the response hooks.
// Batched operations of one request share it (and so one transaction and one snapshot).
import type { FastifyRequest } from 'fastify';
import type { MercuriusContext } from 'mercurius';
import type { AuthContext } from './auth.ts';
import type { GatewayLimits } from './config.ts';
import { canReadSensitive } from './roles.ts';
import type { Pool } from 'pg';
import { CATALOG_FINGERPRINT_QUERY, loadCatalog, type Catalog, type CatalogCache } from './sql/catalog.ts';
import { TenantTransaction } from './tenant-transaction.ts';

export interface RequestScope {
  readonly auth: AuthContext;
  readonly db: TenantTransaction;
  readonly limits: GatewayLimits;
  /** Whether sensitive property values are shown to this caller (gateway/roles.ts). */
  readonly canReadSensitive: boolean;
  /** The tenant's ontology, read once per request on first use. */
  catalog(): Promise<Catalog>;
  /** The catalog if this request has read it already: lets per-object fields answer without a promise. */
  loadedCatalog(): Catalog | undefined;
}

/**
 * `answer` applied to the request's catalog: synchronously once the request has read it (the
 * page that found an object did), through a promise otherwise. Per-object fields use it, so a
 * page of hundreds of objects costs graphql's executor no promise per field.
 */
export function withCatalog<R>(scope: RequestScope, answer: (catalog: Catalog) => R): R | Promise<R> {
  const loaded = scope.loadedCatalog();
  return loaded !== undefined ? answer(loaded) : scope.catalog().then(answer);
}

/** The context resolvers and loaders receive. */
export type GatewayContext = MercuriusContext & RequestScope;

function createRequestScope(auth: AuthContext, db: TenantTransaction, limits: GatewayLimits, catalogs?: CatalogCache): RequestScope {
  let catalog: Promise<Catalog> | undefined;
  let loaded: Catalog | undefined;
  return {
    auth,
    db,
    limits,
    canReadSensitive: canReadSensitive(auth.roles),
    catalog() {
      catalog ??= (catalogs === undefined ? loadCatalog(db) : cachedCatalog(db, auth.tenantId, catalogs)).then((read) => (loaded = read));
      return catalog;
    },
    loadedCatalog: () => loaded,
  };
}

/** The catalog of this request's snapshot: from the cache when its fingerprint is known. */
async function cachedCatalog(db: TenantTransaction, tenantId: string, catalogs: CatalogCache): Promise<Catalog> {
  const [row] = await db.prelude<{ catalog_fingerprint: string }>();
  const fingerprint = row?.catalog_fingerprint;
  if (fingerprint === undefined) return loadCatalog(db);
  const known = catalogs.get(tenantId, fingerprint);
  if (known !== undefined) return known;
  const loaded = await loadCatalog(db);
  catalogs.set(tenantId, fingerprint, loaded);
  return loaded;
}

export interface OpenRequestScopeOptions {
  readonly pool: Pool;
  readonly auth: AuthContext;
  readonly limits: GatewayLimits;
  readonly logger: { warn(object: object, message: string): void };
  readonly metrics: { readonly dbTransactions: { inc(): void }; readonly dbQueries: { inc(): void } };
  /** Shared by the gateway's requests; the catalog's fingerprint then rides on BEGIN. */
  readonly catalogs?: CatalogCache;
}

/** A verified caller's request: its tenant transaction (not opened yet) and its scope. */
export function openRequestScope(options: OpenRequestScopeOptions): RequestScope {
  const db = new TenantTransaction({
    pool: options.pool,
    tenantId: options.auth.tenantId,
    statementTimeoutMs: options.limits.statementTimeoutMs,
    logger: options.logger,
    onTransaction: () => options.metrics.dbTransactions.inc(),
    onQuery: () => options.metrics.dbQueries.inc(),
    ...(options.catalogs === undefined ? {} : { prelude: CATALOG_FINGERPRINT_QUERY }),
  });
  return createRequestScope(options.auth, db, options.limits, options.catalogs);
}

// Keyed by the request object itself, so a scope lives exactly as long as its request and no
// decoration of Fastify's request type is needed.
const scopes = new WeakMap<FastifyRequest, RequestScope>();

export function attachScope(request: FastifyRequest, scope: RequestScope): void {
  scopes.set(request, scope);
}

export function scopeOf(request: FastifyRequest): RequestScope | undefined {
  return scopes.get(request);
}
