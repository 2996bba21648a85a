// Writes outbox rows inside the caller's transaction (ARCHITECTURE §4, transactional outbox).
// The payload is the Avro record as JSON; the relay encodes it with the topic's schema.
import type { ClientBase } from 'pg';

export interface OutboxRow {
  readonly tenantId: string;
  readonly topic: string;
  readonly key: string;
  readonly eventId: string;
  readonly payload: unknown;
  readonly headers: Readonly<Record<string, string>>;
}

export async function writeOutbox(tx: ClientBase, rows: readonly OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  // unnest keeps it one statement per batch however many changes it made.
  await tx.query(
    `INSERT INTO outbox (tenant_id, topic, key, event_id, payload, headers)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::jsonb[], $6::jsonb[])`,
    [
      rows.map((r) => r.tenantId),
      rows.map((r) => r.topic),
      rows.map((r) => r.key),
      rows.map((r) => r.eventId),
      rows.map((r) => JSON.stringify(r.payload)),
      rows.map((r) => JSON.stringify(r.headers)),
    ],
  );
}
