// A real graphql-ws client (graphql-ws createClient over the ws package) for subscription tests:
// collects what one subscription receives and how it ended.
import { createRequire } from 'node:module';
import { createClient, type Client } from 'graphql-ws';
import type { Test } from 'tap';
import { waitFor } from '../materializer/harness.ts';

// The ws package ships no type declarations (and @types/ws is not installed); graphql-ws only
// needs a WebSocket constructor.
const WebSocket: unknown = createRequire(import.meta.url)('ws');

export interface Subscription {
  readonly client: Client;
  /** The `data` of every `next` message, in order. */
  readonly received: Record<string, any>[];
  /** The errors of an `error` message, or the close event that ended the subscription. */
  readonly errors: unknown[];
  /** Set when the subscription ended (complete or error). */
  ended: boolean;
  /** The close code of the connection, once closed. */
  closeCode: number | undefined;
  until(what: string, condition: () => boolean, timeoutMs?: number): Promise<void>;
}

export function subscribe(t: Test, url: string, token: string, query: string, variables: Record<string, unknown> = {}): Subscription {
  const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` }, retryAttempts: 0, lazy: true });
  const subscription: Subscription = {
    client,
    received: [],
    errors: [],
    ended: false,
    closeCode: undefined,
    until: (what, condition, timeoutMs = 20_000) => waitFor(what, condition, timeoutMs, 50),
  };
  client.on('closed', (event) => {
    subscription.closeCode = (event as { code?: number }).code;
  });
  const unsubscribe = client.subscribe(
    { query, variables },
    {
      next: (value) => void subscription.received.push(value.data as Record<string, any>),
      error: (error) => {
        subscription.errors.push(error);
        subscription.ended = true;
      },
      complete: () => {
        subscription.ended = true;
      },
    },
  );
  t.teardown(async () => {
    unsubscribe();
    await client.dispose();
  });
  return subscription;
}
