// The topic catalog of ARCHITECTURE §2: every topic, who writes and reads it, the record it
// carries and how it is configured. Topic creation (`l3 contracts topics`), schema registration and
// every producer/consumer take names from here. Contracts read no environment: a deployable's
// config.ts reads its overrides and calls resolveTopicNames.

/** A layer of the platform (ARCHITECTURE §1), or an operator reading a dead-letter topic. */
export type Layer = 'L2' | 'L3' | 'L4' | 'L5' | 'operator';

/** Kafka `cleanup.policy`. */
export type CleanupPolicy = 'delete' | 'compact';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** A topic that carries one Avro record, written in the Confluent wire format. */
export interface RecordTopic {
  /** Default name; a deployment may override it (resolveTopicNames). */
  readonly name: string;
  readonly description: string;
  readonly partitions: number;
  /**
   * How the Kafka key (a UTF-8 string) is built from the record. ARCHITECTURE §2: the tenant id,
   * a colon and the entity id, so all events of one entity stay in order on one partition.
   */
  readonly key: string;
  /** Avro full name of the value record. */
  readonly record: string;
  /** The value schema's file under contracts/avro/. */
  readonly schemaFile: string;
  readonly cleanupPolicy: CleanupPolicy;
  /** Kafka `retention.ms`; -1 keeps records without a time limit. */
  readonly retentionMs: number;
  readonly producers: readonly Layer[];
  readonly consumers: readonly Layer[];
  /** True when an L3 processor consumes the topic and so parks bad records on `<name>.dlq`. */
  readonly hasDlq: boolean;
}

// Retention of the data topics: long enough to rebuild a processor's state after a week-long
// outage or a bad deploy; Postgres, not Kafka, is the system of record.
const DATA_RETENTION_MS = 7 * DAY_MS;
// Commands and governance events stay longer: proposals can wait days for approval, and
// replaying them must still find the decisions that refer to them.
const COMMAND_RETENTION_MS = 14 * DAY_MS;

export const topicCatalog = deepFreeze({
  objects: {
    name: 'l2.ontology.objects.v1',
    description: 'Object upserts and deletes from source systems (CDC, pipelines).',
    // High-volume data topic: six partitions let six processor instances share the load.
    partitions: 6,
    key: 'tenantId:objectId',
    record: 'aix.l2.ontology.ObjectChange',
    schemaFile: 'ObjectChange.avsc',
    cleanupPolicy: 'delete',
    retentionMs: DATA_RETENTION_MS,
    producers: ['L2'],
    consumers: ['L3'],
    hasDlq: true,
  },
  links: {
    name: 'l2.ontology.links.v1',
    description: 'Link upserts and deletes from source systems.',
    partitions: 6,
    // The link's identity (linkType, from, to): a link's events stay in order.
    key: 'tenantId:linkType:from.objectType:from.objectId:to.objectType:to.objectId',
    record: 'aix.l2.ontology.LinkChange',
    schemaFile: 'LinkChange.avsc',
    cleanupPolicy: 'delete',
    retentionMs: DATA_RETENTION_MS,
    producers: ['L2'],
    consumers: ['L3'],
    hasDlq: true,
  },
  typedefs: {
    name: 'l3.ontology.typedefs.v1',
    description: 'Ontology as code: object types, link types and tool catalog entries.',
    partitions: 3,
    // Keyed by tenant alone: a tenant's definitions depend on each other (a link type names its
    // object types), so they must stay in publication order, which only one partition keeps.
    key: 'tenantId',
    record: 'aix.l3.ontology.TypeDefChange',
    schemaFile: 'TypeDefChange.avsc',
    // Not compacted: with one key per tenant, compaction would keep a single definition. The
    // ontology file in version control is the source; the topic keeps everything it was sent.
    cleanupPolicy: 'delete',
    retentionMs: -1,
    producers: ['L3'],
    consumers: ['L3'],
    hasDlq: true,
  },
  proposals: {
    name: 'l4.agent.proposals.v1',
    description: 'Actions proposed by agents (MCP) and humans (gateway).',
    partitions: 3,
    key: 'tenantId:proposalId',
    record: 'aix.l4.agent.ActionProposed',
    schemaFile: 'ActionProposed.avsc',
    cleanupPolicy: 'delete',
    retentionMs: COMMAND_RETENTION_MS,
    producers: ['L4', 'L3'],
    consumers: ['L3'],
    hasDlq: true,
  },
  decisions: {
    name: 'l5.governance.decisions.v1',
    description: 'Approvals, rejections and cancellations of proposals.',
    partitions: 3,
    // Same key as the proposal: a proposal's decisions are applied in the order they were made.
    key: 'tenantId:proposalId',
    record: 'aix.l5.governance.ActionDecision',
    schemaFile: 'ActionDecision.avsc',
    cleanupPolicy: 'delete',
    retentionMs: COMMAND_RETENTION_MS,
    producers: ['L5', 'L3'],
    consumers: ['L3'],
    hasDlq: true,
  },
  actionResults: {
    name: 'l4.agent.action-results.v1',
    description: 'Outcomes of external side effects executed by L4.',
    partitions: 3,
    key: 'tenantId:proposalId',
    record: 'aix.l4.agent.ActionResult',
    schemaFile: 'ActionResult.avsc',
    cleanupPolicy: 'delete',
    retentionMs: COMMAND_RETENTION_MS,
    producers: ['L4'],
    consumers: ['L3'],
    hasDlq: true,
  },
  ontologyChanges: {
    name: 'l3.ontology.changes.v1',
    description: 'Every committed ontology change, from the outbox; feeds subscriptions.',
    // Carries every object and link change: as busy as the data topics it derives from.
    partitions: 6,
    key: 'tenantId:entityId',
    record: 'aix.l3.ontology.OntologyChanged',
    schemaFile: 'OntologyChanged.avsc',
    // A changes feed: consumers need every change, not just the latest per entity.
    cleanupPolicy: 'delete',
    retentionMs: DATA_RETENTION_MS,
    producers: ['L3'],
    consumers: ['L3', 'L4', 'L5'],
    hasDlq: false,
  },
  actionLifecycle: {
    name: 'l3.actions.lifecycle.v1',
    description: 'Proposal state transitions, from the outbox.',
    partitions: 3,
    key: 'tenantId:proposalId',
    record: 'aix.l3.actions.ActionStateChanged',
    schemaFile: 'ActionStateChanged.avsc',
    cleanupPolicy: 'delete',
    retentionMs: COMMAND_RETENTION_MS,
    producers: ['L3'],
    consumers: ['L3', 'L4', 'L5'],
    hasDlq: false,
  },
  executionRequests: {
    name: 'l3.actions.execution-requests.v1',
    description: 'Approved actions whose external side effects L4 must execute, from the outbox.',
    partitions: 3,
    key: 'tenantId:proposalId',
    record: 'aix.l3.actions.ActionExecutionRequested',
    schemaFile: 'ActionExecutionRequested.avsc',
    cleanupPolicy: 'delete',
    retentionMs: COMMAND_RETENTION_MS,
    producers: ['L3'],
    consumers: ['L4'],
    hasDlq: false,
  },
  auditEvents: {
    name: 'l3.audit.events.v1',
    description: "Each tenant's hash-chained audit log, from the outbox.",
    partitions: 3,
    // One key per tenant (the chain is the entity): the chain is ordered per tenant (gapless
    // seq), so all of a tenant's audit events share one partition and a verifier reads them in
    // seq order.
    key: 'tenantId:audit',
    record: 'aix.l3.audit.AuditEventAppended',
    schemaFile: 'AuditEventAppended.avsc',
    cleanupPolicy: 'delete',
    // Postgres keeps the chain forever; the topic is a feed for SIEMs and subscriptions.
    retentionMs: 30 * DAY_MS,
    producers: ['L3'],
    consumers: ['L3', 'L5'],
    hasDlq: false,
  },
} as const satisfies Record<string, RecordTopic>);

/** Identifies a topic independently of its (overridable) name. */
export type TopicKey = keyof typeof topicCatalog;

/** Every topic key, in catalog order. */
export const topicKeys: readonly TopicKey[] = Object.freeze(Object.keys(topicCatalog) as TopicKey[]);

/** The resolved name of every topic. */
export type TopicNames = Readonly<Record<TopicKey, string>>;

// Dead-letter topics are read by operators, not by programs, and only after someone noticed:
// they keep four weeks so a problem found late can still be diagnosed and replayed.
const DLQ_RETENTION_MS = 28 * DAY_MS;
// Bad records are rare; one partition keeps them in the order they were parked.
const DLQ_PARTITIONS = 1;
const DLQ_SUFFIX = '.dlq';

// Kafka's own rule (kafka.common.internals.Topic): at most 249 of [a-zA-Z0-9._-], not "." or "..".
const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** The names of ARCHITECTURE §2, used when nothing is overridden. */
export const defaultTopicNames: TopicNames = resolveTopicNames({});

/**
 * Topic names with some overridden (e.g. per environment), validated: every override must be a
 * legal Kafka topic name for a known key, must leave room for the `.dlq` suffix, and no two topics
 * may end up with the same name. Throws a RangeError naming the offending key.
 */
export function resolveTopicNames(overrides: Partial<Record<TopicKey, string>>): TopicNames {
  for (const key of Object.keys(overrides)) {
    if (!Object.hasOwn(topicCatalog, key)) {
      throw new RangeError(`unknown topic key "${key}"; known: ${topicKeys.join(', ')}`);
    }
  }
  const names = {} as Record<TopicKey, string>;
  for (const key of topicKeys) {
    const name = overrides[key] ?? topicCatalog[key].name;
    if (!LEGAL_TOPIC_NAME.test(name) || name === '.' || name === '..' || name.length + DLQ_SUFFIX.length > 249) {
      throw new RangeError(`topic name for "${key}" is not a legal Kafka topic name: "${name}"`);
    }
    if (name.endsWith(DLQ_SUFFIX)) {
      throw new RangeError(`topic name for "${key}" must not end in "${DLQ_SUFFIX}": "${name}"`);
    }
    names[key] = name;
  }
  const seen = new Map<string, TopicKey>();
  for (const key of topicKeys) {
    const other = seen.get(names[key]);
    if (other !== undefined) throw new RangeError(`topics "${other}" and "${key}" both resolve to "${names[key]}"`);
    seen.set(names[key], key);
  }
  return Object.freeze(names);
}

/** The dead-letter topic of a source topic (ARCHITECTURE §5). */
export function dlqTopicOf(topicName: string): string {
  return `${topicName}${DLQ_SUFFIX}`;
}

/** The schema registry subject of a topic's values (TopicNameStrategy). */
export function subjectOf(topicName: string): string {
  return `${topicName}-value`;
}

/** What it takes to create one topic and register its value schema. */
export interface TopicDefinition {
  readonly key: TopicKey;
  readonly name: string;
  readonly partitions: number;
  readonly cleanupPolicy: CleanupPolicy;
  readonly retentionMs: number;
  /** `<name>-value`; null for dead-letter topics, which hold the original bytes unchanged. */
  readonly valueSubject: string | null;
  /** File under contracts/avro/ registered under valueSubject; null for dead-letter topics. */
  readonly schemaFile: string | null;
  /** The source topic's name when this is its dead-letter topic, else null. */
  readonly dlqOf: string | null;
}

/** Every topic to create, each followed by its dead-letter topic if it has one. */
export function allTopics(names: TopicNames = defaultTopicNames): readonly TopicDefinition[] {
  const definitions: TopicDefinition[] = [];
  for (const key of topicKeys) {
    const topic: RecordTopic = topicCatalog[key];
    const name = names[key];
    definitions.push({
      key,
      name,
      partitions: topic.partitions,
      cleanupPolicy: topic.cleanupPolicy,
      retentionMs: topic.retentionMs,
      valueSubject: subjectOf(name),
      schemaFile: topic.schemaFile,
      dlqOf: null,
    });
    if (topic.hasDlq) {
      definitions.push({
        key,
        name: dlqTopicOf(name),
        partitions: DLQ_PARTITIONS,
        cleanupPolicy: 'delete',
        retentionMs: DLQ_RETENTION_MS,
        valueSubject: null,
        schemaFile: null,
        dlqOf: name,
      });
    }
  }
  return Object.freeze(definitions.map((definition) => Object.freeze(definition)));
}

/** Kafka topic configs (`cleanup.policy`, `retention.ms`) for creating a topic. */
export function topicConfigOf(definition: TopicDefinition): Readonly<Record<string, string>> {
  return Object.freeze({
    'cleanup.policy': definition.cleanupPolicy,
    'retention.ms': String(definition.retentionMs),
  });
}

// `as const` makes the catalog read-only for the compiler; freezing makes it so at runtime too, so
// no importer can rename a topic for everyone else by assignment.
function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) deepFreeze(child);
  }
  return Object.freeze(value);
}
