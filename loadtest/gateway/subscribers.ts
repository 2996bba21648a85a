// Subscribers of the gateway benchmark: N WebSocket connections speaking graphql-transport-ws
// (the protocol of the graphql-ws package), each with a valid token and one objectChanged
// subscription. Written on the bare `ws` client rather than graphql-ws' createClient so that a
// subscriber does as little as possible when a message arrives (note the time, keep the bytes):
// with 2,000 of them in the benchmark's process, a heavier client would add its own queueing to
// the latency it is measuring. Messages are parsed after the step.
import WebSocket from 'ws';

export const SUBSCRIPTION = 'subscription Changes($type: String!) { objectChanged(type: $type) { eventId externalId op version properties redacted occurredAt } }';

export interface Subscriber {
  /** Every `next` payload: when it arrived (epoch ms, fractional) and its bytes. */
  readonly received: { at: number; data: Buffer }[];
  /** Set when the connection closed (its close code), or errored. */
  closed: number | undefined;
  /** The `error` messages the server sent for the subscription. */
  readonly errors: string[];
  close(): void;
}

const now = (): number => performance.timeOrigin + performance.now();

/** Opens one subscriber; resolves once the server acknowledged the connection and the subscribe message was sent. */
export function openSubscriber(url: string, token: string, type: string): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    const subscriber: Subscriber = { received: [], closed: undefined, errors: [], close: () => socket.close() };
    let acknowledged = false;
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    socket.on('message', (raw) => {
      const data = raw as Buffer;
      if (acknowledged) {
        // `next` is by far the most frequent; everything else is rare and may be parsed at once.
        if (data.includes('"next"')) {
          subscriber.received.push({ at: now(), data });
          return;
        }
        const message = JSON.parse(data.toString()) as { type: string; payload?: unknown };
        if (message.type === 'error') subscriber.errors.push(JSON.stringify(message.payload));
        if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
        return;
      }
      const message = JSON.parse(data.toString()) as { type: string };
      if (message.type === 'connection_ack') {
        acknowledged = true;
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: SUBSCRIPTION, variables: { type } } }));
        resolve(subscriber);
      }
    });
    socket.on('close', (code) => {
      subscriber.closed = code;
      if (!acknowledged) reject(new Error(`the gateway closed a subscriber's connection before acknowledging it (code ${code})`));
    });
    socket.on('error', (error) => {
      if (!acknowledged) reject(error);
    });
  });
}

/** Opens `count` subscribers, `concurrency` handshakes at a time. */
export async function openSubscribers(count: number, concurrency: number, open: () => Promise<Subscriber>): Promise<Subscriber[]> {
  const subscribers: Subscriber[] = [];
  for (let i = 0; i < count; i += concurrency) {
    subscribers.push(...(await Promise.all(Array.from({ length: Math.min(concurrency, count - i) }, open))));
  }
  return subscribers;
}

export interface Delivery {
  readonly eventId: string;
  readonly externalId: string | null;
  /** Client receipt minus the event's occurredAt (set when it was produced), in ms. */
  readonly latencyMs: number;
}

/** The deliveries a subscriber received (all of them, parsed). */
export function deliveriesOf(subscriber: Subscriber): Delivery[] {
  return subscriber.received.map(({ at, data }) => {
    const message = JSON.parse(data.toString()) as { payload: { data: { objectChanged: { eventId: string; externalId: string | null; occurredAt: string } } } };
    const event = message.payload.data.objectChanged;
    return { eventId: event.eventId, externalId: event.externalId, latencyMs: at - Date.parse(event.occurredAt) };
  });
}
