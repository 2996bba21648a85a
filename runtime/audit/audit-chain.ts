// Appends to a tenant's hash-chained audit log (ARCHITECTURE §7, migration 0005):
// `audit_events` per tenant has a gapless seq from 1, and
//   hash = sha256(prev_hash || JCS(event))   (lowercase hex; JCS = RFC 8785)
// where prev_hash is the previous event's hash, or 64 zeros for seq 1. Any processor that audits
// calls appendAuditEvent inside the transaction that makes the audited change, so the change and
// its audit record commit or vanish together.
import { randomUUID } from 'node:crypto';
import type { ClientBase } from 'pg';
import type { AuditEventAppended } from '../../contracts/generated/audit-event-appended.ts';
// The one JCS implementation of the project (see the report on its location: shared by the
// binding hash and the audit chain).
import { canonicalJson, sha256Hex } from '../canonical-json.ts';
import { writeOutbox } from '../outbox/outbox-writer.ts';
import { newTraceparent } from '../trace-context.ts';

/** prev_hash of a tenant's first event (migration 0005, audit_events_genesis_check). */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * hash = sha256(prevHash || JCS(event)): SHA-256 over the UTF-8 bytes of the 64 hex characters
 * of prevHash followed by the RFC 8785 canonical JSON of event. Throws a TypeError if event has
 * no canonical JSON (see canonicalJson).
 */
export function chainHash(prevHash: string, event: unknown): string {
  return sha256Hex(prevHash + canonicalJson(event));
}

export interface AppendAuditEventInput {
  readonly tenantId: string;
  /** Dotted name of what happened, e.g. "action.approved". */
  readonly eventType: string;
  /** The audited event; its canonical JSON is what is stored and hashed. */
  readonly event: Readonly<Record<string, unknown>>;
  /** When it happened; the database's now() (the transaction's start) by default. */
  readonly occurredAt?: Date;
  /**
   * The audit topic's name (l3.audit.events.v1 unless overridden). When given, the append also
   * writes an AuditEventAppended outbox record, so the event is published once, in seq order.
   */
  readonly topic?: string;
  /** W3C traceparent of the work being audited, sent as the record's header; a new trace if absent. */
  readonly traceparent?: string;
}

export interface AppendedAuditEvent {
  readonly seq: number;
  readonly hash: string;
  readonly prevHash: string;
}

/**
 * Appends `event` to the tenant's chain in the caller's transaction `tx` and returns its place.
 *
 * The transaction must be scoped to the tenant: `set_config('app.tenant_id', tenantId, true)`
 * (row-level security, migration 0006); otherwise the head is invisible and the insert refused,
 * so this checks it first and says so. It should run at READ COMMITTED (PostgreSQL's default): the
 * head is read after the lock is granted, and only a statement snapshot taken then sees the event
 * the previous lock holder committed. (Under REPEATABLE READ a stale head makes the insert fail
 * on the primary key, never fork the chain.)
 *
 * Appends of one tenant are serialized by a transaction-scoped advisory lock on a key derived
 * from the tenant, held until `tx` ends: the next appender reads the head only after this
 * transaction committed or rolled back, so seq stays gapless and linear under any concurrency,
 * and other tenants never wait.
 *
 * What is stored in `event` (jsonb) is the canonical JSON text that was hashed. jsonb does not
 * keep that text: it reorders keys (by length, then bytes) and re-spells numbers from its
 * numeric form (1e+21 comes back as 1000000000000000000000). Neither matters to a verifier,
 * because JCS sorts keys again and every number here is an IEEE 754 double whose shortest
 * decimal spelling numeric keeps exactly, so JSON.parse of the stored text yields the same
 * double and the same JCS (test/governance/audit-chain.test.ts checks floats, extremes and large
 * integers). Integers beyond 2^53 are not a special case for that reason: they are already
 * doubles by the time they reach this function. U+0000 is refused because jsonb cannot store it.
 */
export async function appendAuditEvent(tx: ClientBase, input: AppendAuditEventInput): Promise<AppendedAuditEvent> {
  const { tenantId, eventType, event } = input;
  if (typeof eventType !== 'string' || eventType.length === 0) throw new TypeError('appendAuditEvent: eventType must be a non-empty string');
  if (typeof event !== 'object' || event === null || Array.isArray(event)) throw new TypeError('appendAuditEvent: event must be a JSON object');
  const eventText = canonicalJson(event);
  // toJSON may have turned the object into something else; audit_events_event_check wants an object.
  if (!eventText.startsWith('{')) throw new TypeError('appendAuditEvent: event must serialize to a JSON object');
  if (eventText.includes('\\u0000')) throw new TypeError('appendAuditEvent: event contains U+0000, which PostgreSQL jsonb cannot store');

  const locked = await tx.query<{ current_tenant: string | null }>(
    `SELECT pg_advisory_xact_lock(hashtextextended('l3.audit_events:' || $1::text, 0)),
            NULLIF(current_setting('app.tenant_id', true), '') AS current_tenant`,
    [tenantId],
  );
  const currentTenant = locked.rows[0]?.current_tenant ?? null;
  if (currentTenant?.toLowerCase() !== tenantId.toLowerCase()) {
    throw new Error(
      `appendAuditEvent: the transaction must be scoped to tenant ${tenantId} (set_config('app.tenant_id', tenant, true)) ` +
        `for row-level security, but app.tenant_id is ${currentTenant === null ? 'not set' : currentTenant}`,
    );
  }

  const head = await tx.query<{ seq: string; hash: string }>(
    'SELECT seq, hash FROM audit_events WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1',
    [tenantId],
  );
  const previous = head.rows[0];
  const seq = previous === undefined ? 1 : Number(previous.seq) + 1;
  const prevHash = previous === undefined ? GENESIS_HASH : previous.hash;
  const hash = sha256Hex(prevHash + eventText);

  const inserted = await tx.query<{ occurred_at: Date }>(
    `INSERT INTO audit_events (tenant_id, seq, prev_hash, hash, event_type, event, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, coalesce($7::timestamptz, now()))
     RETURNING occurred_at`,
    [tenantId, seq, prevHash, hash, eventType, eventText, input.occurredAt ?? null],
  );

  if (input.topic !== undefined) {
    const occurredAt = inserted.rows[0]?.occurred_at ?? input.occurredAt ?? new Date();
    const payload: AuditEventAppended = {
      tenantId,
      eventId: randomUUID(),
      seq,
      hash,
      prevHash,
      eventType,
      event: eventText,
      occurredAt: occurredAt.getTime(),
    };
    await writeOutbox(tx, [
      { tenantId, topic: input.topic, key: auditRecordKey(tenantId), eventId: payload.eventId, payload, headers: { traceparent: input.traceparent ?? newTraceparent() } },
    ]);
  }
  return { seq, hash, prevHash };
}

/**
 * The Kafka key of a tenant's audit records: one key per tenant, so the whole chain stays in seq
 * order on one partition (contracts/topics.ts, auditEvents). It is `tenantId:audit` rather than
 * the bare tenant id because outbox_key_check (migration 0005) requires every outbox key to start
 * with `tenantId:`.
 */
export function auditRecordKey(tenantId: string): string {
  return `${tenantId}:audit`;
}
