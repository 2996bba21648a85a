// What every governance step needs: the transaction (RLS set to the tenant), the clock, the
// tenant's policy, where events go, and the outbox rows collected for the batch.
import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { TopicNames } from '../../contracts/topics.ts';
import { appendAuditEvent } from '../../runtime/audit/audit-chain.ts';
import type { ProcessorMetrics } from '../../runtime/metrics.ts';
import { writeOutbox, type OutboxRow } from '../../runtime/outbox/outbox-writer.ts';
import type { GovernancePolicy } from './policy.ts';

export interface GovernanceContext {
  readonly tx: PoolClient;
  readonly tenantId: string;
  readonly now: number;
  readonly policy: GovernancePolicy;
  readonly topics: TopicNames;
  readonly metrics: ProcessorMetrics;
  readonly traceparent: string;
  /** Outbox rows of this step, written at its end in one statement. */
  readonly outbox: OutboxRow[];
}

/** Appends to the tenant's audit chain (and its l3.audit.events.v1 record). */
export async function audit(context: GovernanceContext, eventType: string, event: Record<string, unknown>): Promise<void> {
  await appendAuditEvent(context.tx, { tenantId: context.tenantId, eventType, event: { ...event, at: new Date(context.now).toISOString() }, occurredAt: new Date(context.now), topic: context.topics.auditEvents });
}

export function emit(context: GovernanceContext, topic: string, key: string, payload: { eventId: string }): void {
  context.outbox.push({ tenantId: context.tenantId, topic, key, eventId: payload.eventId, payload, headers: { traceparent: context.traceparent } });
}

export async function flushOutbox(context: GovernanceContext): Promise<void> {
  await writeOutbox(context.tx, context.outbox.splice(0));
}

export const newEventId = (): string => randomUUID();
