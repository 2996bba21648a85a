// Authentication of subscription connections (graphql-ws): the token travels in the
// connection_init payload (browsers cannot set headers on a WebSocket), as
// `{"authorization": "Bearer <JWT>"}`, `{"headers": {"authorization": ...}}` or `{"token": "<JWT>"}`.
// A bad token refuses the connection; a good one is closed with 4401 when it expires, since a
// subscription outliving its token would keep serving someone who is no longer authorized.
import type { AuthContext, TokenVerifier } from '../auth.ts';
import { bearerToken } from '../auth.ts';

export interface ClosableSocket {
  close(code?: number, reason?: string): void;
  once(event: 'close', listener: () => void): unknown;
}

/** Mercurius' onConnect: false refuses the connection; an object is merged into the context. */
export function connectionAuthenticator(verify: TokenVerifier, log: { debug(object: object, message: string): void }) {
  return async (message: { payload?: unknown }): Promise<{ auth: AuthContext } | false> => {
    try {
      return { auth: await verify(tokenOf(message.payload)) };
    } catch (error) {
      log.debug({ err: error }, 'subscription connection refused');
      return false;
    }
  };
}

function tokenOf(payload: unknown): string {
  const fields = (payload ?? {}) as { authorization?: unknown; Authorization?: unknown; token?: unknown; headers?: { authorization?: unknown; Authorization?: unknown } };
  if (typeof fields.token === 'string') return fields.token;
  const header = fields.authorization ?? fields.Authorization ?? fields.headers?.authorization ?? fields.headers?.Authorization;
  return bearerToken(typeof header === 'string' ? header : undefined);
}

// setTimeout holds at most 2^31-1 ms (about 24.8 days); a later expiry is re-armed.
const MAX_TIMER_MS = 2 ** 31 - 1;
const timers = new WeakMap<ClosableSocket, NodeJS.Timeout>();

/** Closes the connection (4401 Unauthorized, as graphql-ws names it) when its token expires. Once per connection. */
export function closeAtExpiry(socket: ClosableSocket, expiresAt: Date): void {
  if (timers.has(socket)) return;
  const arm = (): void => {
    const remaining = expiresAt.getTime() - Date.now();
    const timer = setTimeout(() => (remaining > MAX_TIMER_MS ? arm() : socket.close(4401, 'token expired')), Math.max(0, Math.min(remaining, MAX_TIMER_MS)));
    timer.unref();
    timers.set(socket, timer);
  };
  arm();
  socket.once('close', () => clearTimeout(timers.get(socket)));
}
