// Batching of the object graph's fields (OntologyObject.links, Link.from, Link.to) per request,
// the way Mercurius' loaders batch (every call made before the next tick goes to the loader at
// once) but without their cache key: Mercurius keys each call by a stable JSON serialization of
// the whole parent object and the arguments (single-user-cache + safe-stable-stringify), which
// for an object with its properties cost a fifth of the gateway's CPU on a 600-object nested
// query (loadtest/README.md, "Gateway"). The loaders read by ids and dedupe them themselves, so
// the cache bought nothing here.
import type { GatewayContext } from '../request-scope.ts';
import type { TenantTransaction } from '../tenant-transaction.ts';

export type BatchLoader<Q, R> = (queries: Q[], context: GatewayContext) => Promise<R[]>;

interface Pending {
  readonly queries: unknown[];
  readonly settle: { resolve(value: unknown): void; reject(error: unknown): void }[];
}

// Per request (its transaction object lives exactly as long as the request), per loader.
const pendingByRequest = new WeakMap<TenantTransaction, Map<BatchLoader<any, any>, Pending>>();

/** Queues `query` for `loader`'s next batch in this request; resolves with its answer. */
export function loadInBatch<Q, R>(loader: BatchLoader<Q, R>, query: Q, context: GatewayContext): Promise<R> {
  let pending = pendingByRequest.get(context.db);
  if (pending === undefined) pendingByRequest.set(context.db, (pending = new Map()));
  let batch = pending.get(loader);
  if (batch === undefined) {
    const started: Pending = { queries: [], settle: [] };
    pending.set(loader, started);
    batch = started;
    const requestPending = pending;
    process.nextTick(() => {
      requestPending.delete(loader);
      loader(started.queries as Q[], context).then(
        (answers) => {
          if (answers.length !== started.queries.length) {
            const error = new Error(`loader ${loader.name} answered ${answers.length} of ${started.queries.length} queries`);
            for (const { reject } of started.settle) reject(error);
            return;
          }
          started.settle.forEach(({ resolve }, index) => resolve(answers[index]));
        },
        (error: unknown) => {
          for (const { reject } of started.settle) reject(error);
        },
      );
    });
  }
  const queued = batch;
  return new Promise<R>((resolve, reject) => {
    queued.queries.push(query);
    queued.settle.push({ resolve: resolve as (value: unknown) => void, reject });
  });
}
