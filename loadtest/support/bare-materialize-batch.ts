// The batch handler of the benchmark's bare floor (measurement (d), loadtest/README.md, "The bare
// floor"): the least any exactly-once materializer that publishes every change must do per
// object event, built from the product's own pieces: decode (decodeRecords), parse the properties,
// the upsert of (a) (writeObjects), one OntologyChanged per event (objectChanged), handed to a
// publisher. It leaves out everything else the product does: no validation of the properties, no
// stored versions read (the versions are counted in this process's memory, which is only right
// for a single run of this process), no tenant lock or fingerprint probe, no outbox. NOT a product:
// it exists to show what this machine and these client libraries leave of (a) before any of the
// work issue #3 requires on top.
import type { PoolClient } from 'pg';
import type { ObjectChange } from '../../contracts/generated/object-change.ts';
import type { AvroSerde } from '../../contracts/serde/index.ts';
import type { ObjectWrite } from '../../processors/materializer/decide-objects.ts';
import { decodeRecords, type MaterializerTopics } from '../../processors/materializer/decode-records.ts';
import { kafkaKey, objectEntityId } from '../../processors/materializer/entity-keys.ts';
import { traceOf } from '../../processors/materializer/materialize-batch.ts';
import { objectChanged } from '../../processors/materializer/ontology-changed.ts';
import { writeObjects } from '../../processors/materializer/sql/objects.ts';
import { loadTypeCatalog } from '../../processors/materializer/sql/type-catalog.ts';
import type { TypeCatalog } from '../../processors/materializer/type-catalog.ts';
import type { ConsumedRecord } from '../../runtime/kafka/consumed-record.ts';
import type { BatchHandler } from '../../runtime/kafka/transactional-consumer.ts';
import type { ProcessorMetrics } from '../../runtime/metrics.ts';
import type { OutboxRow } from '../../runtime/outbox/outbox-writer.ts';

export interface BareMaterializerDeps {
  readonly serde: AvroSerde;
  readonly topics: MaterializerTopics;
  readonly changesTopic: string;
  readonly metrics: ProcessorMetrics;
  readonly publish: (tx: PoolClient, changes: readonly OutboxRow[]) => Promise<void>;
}

export function createBareMaterializeBatch(deps: BareMaterializerDeps): BatchHandler {
  const catalogs = new Map<string, TypeCatalog>();
  /** Each object's version so far: what the product reads from `objects` instead. */
  const versions = new Map<string, number>();
  return async (tx, records) => {
    const { events, deadLetters } = await decodeRecords(deps.serde, deps.topics, records);
    const byTenant = new Map<string, { source: ConsumedRecord; event: ObjectChange }[]>();
    for (const decoded of events) {
      if (decoded.kind !== 'object') throw new Error(`the bare floor handles object events only, got a ${decoded.kind} event on ${decoded.source.topic}`);
      const list = byTenant.get(decoded.value.tenantId) ?? [];
      list.push({ source: decoded.source, event: decoded.value });
      byTenant.set(decoded.value.tenantId, list);
    }
    const now = Date.now();
    for (const [tenantId, tenantEvents] of byTenant) {
      await tx.query(`SELECT set_config('app.tenant_id', ${tx.escapeLiteral(tenantId)}, true)`);
      let catalog = catalogs.get(tenantId);
      if (!catalog) catalogs.set(tenantId, (catalog = await loadTypeCatalog(tx, tenantId)));
      const writes = new Map<string, ObjectWrite>();
      const changes: OutboxRow[] = [];
      for (const { source, event } of tenantEvents) {
        const type = catalog.objectTypes.get(event.objectType);
        if (!type) throw new Error(`the bare floor found no object type ${event.objectType} for tenant ${tenantId}`);
        const entityId = objectEntityId(type.name, event.objectId);
        const versionKey = `${tenantId}/${entityId}`;
        const version = (versions.get(versionKey) ?? 0) + 1;
        versions.set(versionKey, version);
        const after: ObjectWrite = {
          objectTypeId: type.id,
          objectType: type.name,
          objectId: event.objectId,
          properties: event.op === 'UPSERT' ? (JSON.parse(event.properties ?? '{}') as Record<string, unknown>) : {},
          embedding: event.embedding,
          version,
          sourceVersion: event.sourceVersion,
          deleted: event.op === 'DELETE',
        };
        writes.set(entityId, after);
        const key = kafkaKey(tenantId, entityId);
        const payload = objectChanged(tenantId, { source, event, key, entityId, after }, now);
        changes.push({ tenantId, topic: deps.changesTopic, key, eventId: payload.eventId, payload, headers: { traceparent: traceOf(source) } });
      }
      await writeObjects(tx, tenantId, [...writes.values()]);
      deps.metrics.recordsApplied.inc({ topic: deps.topics.objects }, changes.length);
      await deps.publish(tx, changes);
    }
    return { deadLetters };
  };
}
