// What one HTTP request carries through the GraphQL layer: the verified caller, the tenant
// transaction, the limits and the per-request ontology catalog. Created by the authentication
// hook, handed to resolvers and loaders as the Mercurius context, ended by the response hooks.
// Batched operations of one request share it (and so one transaction and one snapshot).
import type { FastifyRequest } from 'fastify';
import type { MercuriusContext } from 'mercurius';
import type { AuthContext } from './auth.ts';
import type { GatewayLimits } from './config.ts';
import { canReadSensitive } from './roles.ts';
import { loadCatalog, type Catalog } from './sql/catalog.ts';
import type { TenantTransaction } from './tenant-transaction.ts';

export interface RequestScope {
  readonly auth: AuthContext;
  readonly db: TenantTransaction;
  readonly limits: GatewayLimits;
  /** Whether sensitive property values are shown to this caller (gateway/roles.ts). */
  readonly canReadSensitive: boolean;
  /** The tenant's ontology, read once per request on first use. */
  catalog(): Promise<Catalog>;
}

/** The context resolvers and loaders receive. */
export type GatewayContext = MercuriusContext & RequestScope;

export function createRequestScope(auth: AuthContext, db: TenantTransaction, limits: GatewayLimits): RequestScope {
  let catalog: Promise<Catalog> | undefined;
  return {
    auth,
    db,
    limits,
    canReadSensitive: canReadSensitive(auth.roles),
    catalog() {
      catalog ??= loadCatalog(db);
      return catalog;
    },
  };
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
