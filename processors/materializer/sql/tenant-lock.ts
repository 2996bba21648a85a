// The per-tenant advisory lock of ontology writes (docs/adr/0009-shared-tenant-lock.md): batches
// of objects alone hold it shared; writes that touch links or type definitions hold it
// exclusively (materializer batches, and governed actions that create links, ADR 0008). Batches
// sharing it serialize the promotion of pending links on a second lock.
import type { ClientBase } from 'pg';

/** The lock's key for the tenant `$n` of a statement (a text parameter or column). */
export const tenantLockKey = (tenant: string): string => `hashtextextended('l3.materialize:' || ${tenant}, 0)`;

/** Takes the tenant's lock exclusively until the transaction ends. */
export async function lockTenantExclusively(tx: ClientBase, tenantId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(${tenantLockKey('$1::text')})`, [tenantId]);
}

/**
 * Serializes pending-link promotion among batches that share the tenant's lock (ADR 0009). Its
 * own statement, so the promotion's snapshot is taken after the wait.
 */
export async function lockPromotion(tx: ClientBase, tenantId: string): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('l3.promote:' || $1::text, 0))", [tenantId]);
}
