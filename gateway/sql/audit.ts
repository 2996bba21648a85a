// Reads of `audit_events`, the per-tenant hash chain (ARCHITECTURE §7, migration 0005).
import type { ChainRow } from '../../runtime/audit/verify-chain.ts';
import type { Queryable } from '../tenant-transaction.ts';

export interface AuditEventRecord {
  readonly seq: number;
  readonly eventType: string;
  readonly event: Record<string, unknown>;
  readonly hash: string;
  readonly prevHash: string;
  readonly occurredAt: Date;
}

interface AuditRow {
  seq: string;
  event_type: string;
  event: Record<string, unknown>;
  hash: string;
  prev_hash: string;
  occurred_at: Date;
}

/** Events after `afterSeq` (ASC) or before it (DESC), by the primary key (tenant_id, seq). */
export async function auditPage(db: Queryable, query: { afterSeq: number | null; order: 'ASC' | 'DESC'; limit: number }): Promise<AuditEventRecord[]> {
  const ascending = query.order === 'ASC';
  const { rows } = await db.query<AuditRow>(
    `SELECT e.seq, e.event_type, e.event, e.hash, e.prev_hash, e.occurred_at
     FROM audit_events e
     WHERE $1::bigint IS NULL OR e.seq ${ascending ? '>' : '<'} $1::bigint
     ORDER BY e.seq ${ascending ? 'ASC' : 'DESC'}
     LIMIT $2`,
    [query.afterSeq, query.limit],
  );
  return rows.map((row) => ({
    seq: Number(row.seq),
    eventType: row.event_type,
    event: row.event,
    hash: row.hash,
    prevHash: row.prev_hash,
    occurredAt: row.occurred_at,
  }));
}

/** Chain rows after `afterSeq` in seq order, as the verifier wants them. */
export async function chainRows(db: Queryable, afterSeq: number, limit: number): Promise<ChainRow[]> {
  const { rows } = await db.query<{ seq: string; prev_hash: string; hash: string; event: unknown }>(
    'SELECT e.seq, e.prev_hash, e.hash, e.event FROM audit_events e WHERE e.seq > $1 ORDER BY e.seq LIMIT $2',
    [afterSeq, limit],
  );
  return rows.map((row) => ({ seq: Number(row.seq), prevHash: row.prev_hash, hash: row.hash, event: row.event }));
}
