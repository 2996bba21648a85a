// Writes outbox records inside the caller's transaction (ARCHITECTURE §4, transactional outbox).
// A record's payload is the Avro record as JSON; the relay encodes it with the topic's schema.
// The records of one call are stored as one envelope row per (tenant, topic), in call order
// (docs/adr/0007-outbox-envelopes.md): a batch of a thousand changes is one row, not a thousand.
import type { ClientBase } from 'pg';

export interface OutboxRow {
  readonly tenantId: string;
  readonly topic: string;
  /** `tenantId:entityId` (ARCHITECTURE §2). */
  readonly key: string;
  readonly eventId: string;
  readonly payload: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

/** One stored record of an envelope, as the relay reads it back. */
export interface OutboxMessage {
  readonly key: string;
  readonly eventId: string;
  readonly payload: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

interface Envelope {
  readonly tenantId: string;
  readonly topic: string;
  readonly messages: OutboxMessage[];
}

/** Groups records by (tenant, topic), keeping their order within each group. */
export function envelopesOf(rows: readonly OutboxRow[]): Envelope[] {
  const envelopes = new Map<string, Envelope>();
  for (const row of rows) {
    // A record keyed outside its tenant would land on another tenant's key (and partition);
    // the per-record CHECK of the old layout lives here now.
    if (!row.key.startsWith(`${row.tenantId}:`)) throw new Error(`outbox record ${row.eventId} has key "${row.key}", which does not start with its tenant "${row.tenantId}:"`);
    const group = `${row.tenantId}\u0000${row.topic}`;
    let envelope = envelopes.get(group);
    if (!envelope) {
      envelope = { tenantId: row.tenantId, topic: row.topic, messages: [] };
      envelopes.set(group, envelope);
    }
    envelope.messages.push({ key: row.key, eventId: row.eventId, payload: row.payload, headers: row.headers });
  }
  return [...envelopes.values()];
}

export async function writeOutbox(tx: ClientBase, rows: readonly OutboxRow[]): Promise<void> {
  // One statement per envelope (a batch has one per tenant and topic), each a plain json
  // parameter: unpacking several envelopes from one JSON document in SQL parses every byte
  // twice, and node-pg escapes every element of a text array.
  for (const envelope of envelopesOf(rows)) {
    await tx.query('INSERT INTO outbox (tenant_id, topic, messages, message_count) VALUES ($1, $2, $3::json, $4)', [
      envelope.tenantId,
      envelope.topic,
      JSON.stringify(envelope.messages),
      envelope.messages.length,
    ]);
  }
}
