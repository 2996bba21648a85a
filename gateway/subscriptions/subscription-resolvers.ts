// The resolvers of subscriptions.graphql. At subscribe: the token is checked again (it may have
// expired since connection_init; the connection is then closed), the roles decide whether the
// field is allowed, and the connection's close at the token's expiry is scheduled. For every
// event: the tenant must be the subscriber's, the token still valid, and the arguments must
// match; object properties are redacted for callers who may not read sensitive values.
import type { Pool } from 'pg';
import type { ActionStateChanged } from '../../contracts/generated/action-state-changed.ts';
import type { AuditEventAppended } from '../../contracts/generated/audit-event-appended.ts';
import type { OntologyChanged } from '../../contracts/generated/ontology-changed.ts';
import type { AuthContext } from '../auth.ts';
import { badInput, forbidden, GatewayError, notFound } from '../errors.ts';
import { redactProperties } from '../objects/redaction.ts';
import type { ResolverMap } from '../resolvers/index.ts';
import { canReadSensitive, GOVERNANCE_READERS, hasAnyRole } from '../roles.ts';
import { loadCatalog } from '../sql/catalog.ts';
import { readInTenant } from '../commands/wait-for-apply.ts';
import type { Logger } from '../../runtime/logger.ts';
import { FEED_TOPICS, tenantTopic } from './event-feed.ts';
import { closeAtExpiry, type ClosableSocket } from './connection-auth.ts';

/** What the event feed adds to a decoded record: its trace context (event-feed.ts). */
type Traced<E> = E & { readonly traceparent: string | null };

interface PubSub {
  subscribe(topic: string): Promise<AsyncIterable<unknown>> | AsyncIterable<unknown>;
}

/** What a subscription's resolvers receive: Mercurius' context plus what onConnect returned. */
export interface SubscriptionContext {
  readonly auth?: AuthContext;
  readonly websocket?: ClosableSocket;
  readonly pubsub: PubSub;
  /** Per subscription: the object type's sensitive property names (objectChanged). */
  sensitiveNames?: readonly string[];
}

export interface SubscriptionDeps {
  readonly pool: Pool;
  readonly statementTimeoutMs: number;
  readonly logger: Logger;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Filter<E> = (event: E, context: SubscriptionContext) => boolean;

/**
 * Mercurius' pubsub iterator, filtered. Written out (rather than an async generator) so that
 * return() reaches the pubsub at once, even while no event is pending.
 */
function filtered<E>(source: AsyncIterable<unknown>, context: SubscriptionContext, keep: Filter<E>): AsyncIterableIterator<E> {
  const inner = source[Symbol.asyncIterator]();
  const iterator: AsyncIterableIterator<E> = {
    async next() {
      for (;;) {
        const { value, done } = await inner.next();
        if (done === true) return { value: undefined, done: true };
        const event = value as E & { tenantId?: unknown };
        const auth = context.auth;
        // The tenant check comes first and applies to every event, whatever the field.
        if (auth === undefined || event.tenantId !== auth.tenantId) continue;
        if (auth.expiresAt.getTime() <= Date.now()) {
          context.websocket?.close(4401, 'token expired');
          return { value: undefined, done: true };
        }
        if (keep(event, context)) return { value: event, done: false };
      }
    },
    async return() {
      await inner.return?.();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

function authorized(context: SubscriptionContext): AuthContext {
  const auth = context.auth;
  if (auth === undefined) throw new GatewayError('UNAUTHENTICATED', 'authenticate in connection_init');
  if (auth.expiresAt.getTime() <= Date.now()) {
    context.websocket?.close(4401, 'token expired');
    throw new GatewayError('UNAUTHENTICATED', 'token expired');
  }
  if (context.websocket !== undefined) closeAtExpiry(context.websocket, auth.expiresAt);
  return auth;
}

export function subscriptionResolvers(deps: SubscriptionDeps): ResolverMap {
  return {
    Subscription: {
      objectChanged: {
        subscribe: async (_: unknown, args: { type: string; id?: string | null }, context: SubscriptionContext) => {
          const auth = authorized(context);
          const type = await readInTenant({ ...deps, tenantId: auth.tenantId, timeoutMs: 0 }, async (db) => (await loadCatalog(db)).objectTypeByName(args.type));
          if (type === undefined) throw notFound(`object type ${args.type} does not exist`);
          context.sensitiveNames = type.sensitiveNames;
          const id = args.id ?? undefined;
          return filtered<Traced<OntologyChanged>>(await context.pubsub.subscribe(tenantTopic(FEED_TOPICS.objectChanged, auth.tenantId)), context, (event) => {
            if (event.entityKind !== 'OBJECT' || event.entityType !== args.type) return false;
            if (id === undefined) return true;
            if (event.entityId === id) return true;
            const after = parsedAfter(event);
            return after !== null && after.objectId === id;
          });
        },
        resolve: (event: Traced<OntologyChanged>, _: unknown, context: SubscriptionContext) => {
          const sensitive = context.sensitiveNames ?? [];
          const canRead = canReadSensitive(context.auth!.roles);
          // Every subscriber of the event's tenant resolves the same event: subscribers who see
          // it alike (same sensitive names, same right to read them) share one result.
          const view = `${canRead ? 'all' : 'redacted'}:${sensitive.join(',')}`;
          let views = resolvedViews.get(event);
          if (views === undefined) resolvedViews.set(event, (views = new Map()));
          const cached = views.get(view);
          if (cached !== undefined) return cached;
          const after = parsedAfter(event);
          const properties = after === null ? null : ((after.properties as Record<string, unknown> | undefined) ?? {});
          const shown = properties === null ? { properties: null, redacted: [] as readonly string[] } : redactProperties(properties, sensitive, canRead);
          const resolved = {
            eventId: event.eventId,
            type: event.entityType,
            externalId: typeof after?.objectId === 'string' ? after.objectId : null,
            op: event.op,
            version: event.version,
            properties: shown.properties,
            redacted: shown.redacted,
            proposalId: event.proposalId,
            occurredAt: new Date(event.occurredAt),
            traceparent: event.traceparent,
          };
          views.set(view, resolved);
          return resolved;
        },
      },
      proposalChanged: {
        subscribe: async (_: unknown, args: { id?: string | null }, context: SubscriptionContext) => {
          const auth = authorized(context);
          if (!hasAnyRole(auth.roles, GOVERNANCE_READERS)) throw forbidden(`Subscription.proposalChanged needs one of the roles ${GOVERNANCE_READERS.join(', ')}`);
          if (args.id != null && !UUID.test(args.id)) throw badInput(`id must be a UUID, got "${args.id}"`);
          const id = args.id?.toLowerCase();
          return filtered<Traced<ActionStateChanged>>(await context.pubsub.subscribe(tenantTopic(FEED_TOPICS.proposalChanged, auth.tenantId)), context, (event) => id === undefined || event.proposalId === id);
        },
        resolve: (event: Traced<ActionStateChanged>) => ({ ...event, occurredAt: new Date(event.occurredAt) }),
      },
      auditAppended: {
        subscribe: async (_: unknown, __: unknown, context: SubscriptionContext) => {
          const auth = authorized(context);
          if (!hasAnyRole(auth.roles, GOVERNANCE_READERS)) throw forbidden(`Subscription.auditAppended needs one of the roles ${GOVERNANCE_READERS.join(', ')}`);
          return filtered<Traced<AuditEventAppended>>(await context.pubsub.subscribe(tenantTopic(FEED_TOPICS.auditAppended, auth.tenantId)), context, () => true);
        },
        resolve: (event: Traced<AuditEventAppended>) => ({ ...event, event: parsed(event.event) ?? {}, occurredAt: new Date(event.occurredAt) }),
      },
    },
  };
}

// Per event, computed once for all its subscribers (events are shared, immutable objects).
const afterOf = new WeakMap<OntologyChanged, Record<string, unknown> | null>();
const resolvedViews = new WeakMap<OntologyChanged, Map<string, object>>();

function parsedAfter(event: OntologyChanged): Record<string, unknown> | null {
  let after = afterOf.get(event);
  if (after === undefined) afterOf.set(event, (after = parsed(event.after)));
  return after;
}

function parsed(text: string | null): Record<string, unknown> | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
