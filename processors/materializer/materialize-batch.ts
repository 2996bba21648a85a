// The materializer's batch handler: decoded events -> per tenant (row-level security is set per
// tenant inside the one transaction): type definitions, then objects, then links, then pending
// links whose endpoints arrived; every applied change also goes to the outbox.
import type { PoolClient, QueryResult } from 'pg';
import { CATALOG_FINGERPRINT_EXPRESSION } from '../../runtime/catalog-fingerprint.ts';
import type { AvroSerde } from '../../contracts/serde/index.ts';
import type { ConsumedRecord, DeadLetter } from '../../runtime/kafka/consumed-record.ts';
import type { BatchHandler } from '../../runtime/kafka/transactional-consumer.ts';
import type { ProcessorMetrics } from '../../runtime/metrics.ts';
import { writeOutbox, type OutboxRow } from '../../runtime/outbox/outbox-writer.ts';
import { childTraceparent, traceparentFromRecordHeaders } from '../../runtime/trace-context.ts';
import { decideLinks, endpointKey, slotKey, slotsOf, type Slot } from './decide-links.ts';
import { decideObjects } from './decide-objects.ts';
import { decodeRecords, type DecodedEvent, type MaterializerTopics } from './decode-records.ts';
import { kafkaKey, typeDefEntityId } from './entity-keys.ts';
import { linkChanged, objectChanged, ontologyChanged } from './ontology-changed.ts';
import { loadEndpoints, loadSlotOccupants, loadStoredLinks, promotePendingLinks, writeLinks, type EndpointRef } from './sql/links.ts';
import { loadStoredObjects, writeObjects } from './sql/objects.ts';
import { lockPromotion, tenantLockKey } from './sql/tenant-lock.ts';
import { loadTypeCatalog } from './sql/type-catalog.ts';
import type { TypeCatalog } from './type-catalog.ts';
import { applyTypeDef } from './sql/type-definitions.ts';

export interface MaterializerDeps {
  readonly serde: AvroSerde;
  readonly topics: MaterializerTopics;
  /** l3.ontology.changes.v1 (or its override). */
  readonly changesTopic: string;
  readonly metrics: ProcessorMetrics;
  /**
   * Where a tenant's applied changes go, inside the batch's transaction: the outbox (the product,
   * and the default). The benchmark's floor measurement swaps in a direct publisher to find what
   * publishing alone costs (loadtest/support/materializer-floor.ts); nothing else should.
   */
  readonly recordChanges?: (tx: PoolClient, changes: readonly OutboxRow[]) => Promise<void>;
}

/** A tenant's type catalog with the fingerprint of the definitions it was built from. */
interface CachedCatalog {
  readonly fingerprint: string;
  readonly catalog: TypeCatalog;
}

export function createMaterializeBatch(deps: MaterializerDeps): BatchHandler {
  // Reused while a tenant's definitions are unchanged (runtime/catalog-fingerprint.ts): another
  // instance may change them, so every batch checks the fingerprint, in the round trip that
  // sets the tenant anyway.
  const catalogs = new Map<string, CachedCatalog>();
  return async (tx, records) => {
    const { events, deadLetters } = await decodeRecords(deps.serde, deps.topics, records);
    const byTenant = new Map<string, DecodedEvent[]>();
    for (const event of events) {
      const list = byTenant.get(event.value.tenantId) ?? [];
      list.push(event);
      byTenant.set(event.value.tenantId, list);
    }
    // The tenant lock (ADR 0009). Links and type definitions take it exclusively: two writers
    // (objects and links of one tenant live on different partitions) could otherwise each miss
    // the other's uncommitted rows, a link parking as pending while its endpoint's promotion
    // step does not see it, or objects validated against definitions being replaced. Batches of
    // objects alone share it, so instances (and partitions) apply one tenant's objects in
    // parallel; they serialize only the promotion of pending links (lockPromotion).
    // Taken in sorted order so two batches never wait on each other crosswise; one statement:
    // unnest scans the sorted arrays in order, so the locks are taken in order.
    const tenants = [...byTenant.keys()].sort();
    const exclusive = tenants.map((tenantId) => byTenant.get(tenantId)!.some((event) => event.kind !== 'object'));
    await tx.query(
      `SELECT CASE WHEN x THEN pg_advisory_xact_lock(${tenantLockKey('t')}) ELSE pg_advisory_xact_lock_shared(${tenantLockKey('t')}) END
       FROM unnest($1::text[], $2::boolean[]) AS u(t, x)`,
      [tenants, exclusive],
    );
    for (const [i, tenantId] of tenants.entries()) {
      await materializeTenant(tx, deps, catalogs, tenantId, byTenant.get(tenantId)!, deadLetters, exclusive[i]!);
    }
    return { deadLetters };
  };
}

async function materializeTenant(
  tx: PoolClient,
  deps: MaterializerDeps,
  catalogs: Map<string, CachedCatalog>,
  tenantId: string,
  events: readonly DecodedEvent[],
  deadLetters: DeadLetter[],
  holdsTenantExclusively: boolean,
): Promise<void> {
  // Row-level security applies to the processor too: everything below sees only this tenant.
  // In the same round trip, read under it: whether the tenant has links waiting for an endpoint,
  // and its definitions' fingerprint. The tenant id is a UUID (decode-records.ts checked it), so
  // it can be a literal, which a multi-statement query needs.
  const [, probed] = (await tx.query(
    `SELECT set_config('app.tenant_id', ${tx.escapeLiteral(tenantId)}, true); ` +
      `SELECT EXISTS (SELECT 1 FROM pending_links) AS pending, ${CATALOG_FINGERPRINT_EXPRESSION} AS fingerprint`,
  )) as unknown as [QueryResult, QueryResult<{ pending: boolean; fingerprint: string }>];
  const { pending, fingerprint } = probed.rows[0]!;
  const now = Date.now();
  const outbox: OutboxRow[] = [];
  const { metrics, recordChanges = writeOutbox } = deps;
  const reject = (record: ConsumedRecord, errorClass: string, errorMessage: string) => deadLetters.push({ record, errorClass, errorMessage });
  const addChange = (source: ConsumedRecord, key: string, payload: { eventId: string }) =>
    outbox.push({ tenantId, topic: deps.changesTopic, key, eventId: payload.eventId, payload, headers: { traceparent: traceOf(source) } });

  for (const event of events) {
    if (event.kind !== 'typedef') continue;
    const change = event.value;
    const outcome = await applyTypeDef(tx, change);
    if (outcome.kind === 'rejected') reject(event.source, outcome.errorClass, outcome.message);
    else if (outcome.kind === 'ignored') metrics.recordsIgnoredOld.inc({ topic: event.source.topic });
    else {
      metrics.recordsApplied.inc({ topic: event.source.topic });
      const entityId = typeDefEntityId(change.kind, change.name);
      addChange(
        event.source,
        kafkaKey(tenantId, entityId),
        ontologyChanged({ tenantId, entityKind: change.kind, entityId, entityType: null, op: change.op, version: change.version, after: outcome.after, sourceEventId: change.eventId }, now),
      );
    }
  }

  const objectEvents = events.flatMap((e) => (e.kind === 'object' ? [{ source: e.source, event: e.value }] : []));
  const linkEvents = events.flatMap((e) => (e.kind === 'link' ? [{ source: e.source, event: e.value }] : []));
  if (objectEvents.length === 0 && linkEvents.length === 0) {
    await recordChanges(tx, outbox);
    return;
  }
  // Type definitions applied above changed the catalog after the fingerprint was read.
  const typedefsApplied = events.some((e) => e.kind === 'typedef');
  const cached = catalogs.get(tenantId);
  let catalog: TypeCatalog;
  if (!typedefsApplied && cached?.fingerprint === fingerprint) catalog = cached.catalog;
  else {
    catalog = await loadTypeCatalog(tx, tenantId);
    if (typedefsApplied) catalogs.delete(tenantId);
    else catalogs.set(tenantId, { fingerprint, catalog });
  }

  let created: EndpointRef[] = [];
  if (objectEvents.length > 0) {
    const keys = new Map<string, { objectTypeId: string; objectId: string }>();
    for (const { event } of objectEvents) {
      const type = catalog.objectTypes.get(event.objectType);
      if (type) keys.set(endpointKey(type.id, event.objectId), { objectTypeId: type.id, objectId: event.objectId });
    }
    const stored = await loadStoredObjects(tx, tenantId, [...keys.values()]);
    const decision = decideObjects(tenantId, objectEvents, catalog, stored);
    for (const r of decision.rejected) reject(r.source, r.errorClass, r.message);
    created = await writeObjects(tx, tenantId, decision.writes);
    for (const applied of decision.applied) addChange(applied.source, applied.key, objectChanged(tenantId, applied, now));
    count(metrics, objectEvents[0]!.source.topic, decision.applied.length, decision.ignoredOld);
  }

  if (linkEvents.length > 0) {
    const endpoints = new Map<string, EndpointRef>();
    const addEndpoint = (objectTypeId: string, objectId: string) => endpoints.set(endpointKey(objectTypeId, objectId), { objectTypeId, objectId });
    const linkKeys = [];
    const slots = new Map<string, Slot>();
    for (const { event } of linkEvents) {
      const type = catalog.linkTypes.get(event.linkType);
      if (!type) continue;
      addEndpoint(type.fromTypeId, event.from.objectId);
      addEndpoint(type.toTypeId, event.to.objectId);
      linkKeys.push({ linkTypeId: type.id, fromTypeId: type.fromTypeId, fromId: event.from.objectId, toTypeId: type.toTypeId, toId: event.to.objectId });
      if (event.op === 'UPSERT') for (const slot of slotsOf(type, event.from.objectId, event.to.objectId)) slots.set(slotKey(slot), slot);
    }
    // The live links in the to-one slots this batch writes into (none without such link types),
    // and their endpoints: a link that loses its slot is written as a tombstone (ADR 0008).
    const occupants = await loadSlotOccupants(tx, tenantId, [...slots.values()]);
    for (const occupant of occupants.values()) {
      addEndpoint(occupant.fromTypeId, occupant.fromId);
      addEndpoint(occupant.toTypeId, occupant.toId);
    }
    const existing = await loadEndpoints(tx, tenantId, [...endpoints.values()]);
    const stored = await loadStoredLinks(tx, tenantId, linkKeys);
    const decision = decideLinks(tenantId, linkEvents, catalog, stored, new Set(existing.keys()), occupants);
    for (const r of decision.rejected) reject(r.source, r.errorClass, r.message);
    await writeLinks(tx, tenantId, decision.writes, existing);
    for (const applied of decision.applied) addChange(applied.source, applied.key, linkChanged(tenantId, applied, now));
    const superseded = decision.applied.filter((applied) => applied.supersededBy !== undefined).length;
    count(metrics, linkEvents[0]!.source.topic, decision.applied.length - superseded, decision.ignoredOld);
  }

  // After the links of this batch, so a link written as pending above can be moved too. Without
  // links in this batch or waiting from earlier ones (under the tenant's lock, so none is being
  // written elsewhere), there is nothing to promote.
  if (linkEvents.length > 0 || pending) {
    // Two batches sharing the tenant lock may each create one endpoint of the same pending link:
    // each would miss the other's uncommitted object and leave the link pending for good. The
    // promotion lock makes the second wait for the first's commit; it is its own statement, so
    // the promotion's snapshot is taken after the wait and sees the first batch's objects.
    if (!holdsTenantExclusively && created.length > 0) await lockPromotion(tx, tenantId);
    await promotePendingLinks(tx, tenantId, created);
  }
  await recordChanges(tx, outbox);
}

function count(metrics: ProcessorMetrics, topic: string, applied: number, ignoredOld: number): void {
  if (applied > 0) metrics.recordsApplied.inc({ topic }, applied);
  if (ignoredOld > 0) metrics.recordsIgnoredOld.inc({ topic }, ignoredOld);
}

/** The change continues the trace of the L2 event that caused it (W3C trace context). */
export function traceOf(record: ConsumedRecord): string {
  return childTraceparent(traceparentFromRecordHeaders(record.headers));
}
