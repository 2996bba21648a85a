// Runs the real governance processor (node processors/governance/main.ts) as a child process
// against an isolated environment: the governance fixture's database (a tenant with the demo
// ontology and its objects), topics and a consumer group of its own on the shared embedded
// stack. Commands go in through Kafka (Avro, the registry's ids), and what the processor did is
// read back from Postgres and from the topics its outbox relay publishes to.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Test } from 'tap';
import { ActionDecisionSchema, type ActionDecision } from '../../../contracts/generated/action-decision.ts';
import { ActionProposedSchema, type ActionProposed } from '../../../contracts/generated/action-proposed.ts';
import { ActionResultSchema, type ActionResult } from '../../../contracts/generated/action-result.ts';
import { registerContracts } from '../../../contracts/registry/register-contracts.ts';
import { AvroSerde, type AvroRecordSchema } from '../../../contracts/serde/index.ts';
import { dlqTopicOf, resolveTopicNames, topicCatalog, type TopicNames } from '../../../contracts/topics.ts';
import { isTransientPostgresError, retryWithBackoff } from '../../../runtime/backoff.ts';
import { kafka } from '../kafka.ts';
import { ProcessorChild } from '../processor-child.ts';
import { readToEnd, waitFor, type ReadRecord } from '../materializer/harness.ts';
import { schemaRegistryUrl, uniqueName } from '../services.ts';
import { createGovernanceFixture, type GovernanceFixture } from './fixture.ts';

/** The topics the processor consumes; each has a dead-letter topic. */
export const CONSUMED = ['proposals', 'decisions', 'actionResults'] as const;
/** The topics its outbox relay publishes to. */
export const PUBLISHED = ['actionLifecycle', 'auditEvents', 'executionRequests', 'ontologyChanges'] as const;

export interface GovernanceEnvironment {
  /** The tenant, its database (admin and processor pools) and the fixture's read helpers. */
  readonly fixture: GovernanceFixture;
  readonly tenantId: string;
  /** DATABASE_URL of the processor (role l3_processor, under row-level security). */
  readonly processorUrl: string;
  readonly topics: TopicNames;
  readonly groupId: string;
  readonly logDir: string;
}

/**
 * A fresh tenant (demo ontology; sites s1..s3, pumps p1..p6, technicians t1..t2, work order wo1;
 * with `pumps` > 6 also pumps p7..p<pumps>, every pump p<i> installed at s((i-1)%3+1)), fresh
 * topics with registered subjects, and a fresh consumer group.
 */
export async function createGovernanceEnvironment(t: Test, options: { pumps?: number } = {}): Promise<GovernanceEnvironment> {
  const fixture = await createGovernanceFixture(t);
  // Another test may restart the shared Postgres: an idle pooled connection it drops must not
  // crash this test's process (the next query gets a fresh one; polls retry, see polled()).
  for (const pool of [fixture.admin, fixture.pool]) pool.on('error', () => {});
  const processorUrl = fixture.pool.options.connectionString;
  if (!processorUrl) throw new Error('the governance fixture did not say where its database is');
  if (options.pumps !== undefined && options.pumps > 6) await seedPumps(fixture, 7, options.pumps);

  const suffix = uniqueName('g').replace(/^g\./, '');
  const topics = resolveTopicNames({
    proposals: `test.${suffix}.proposals`,
    decisions: `test.${suffix}.decisions`,
    actionResults: `test.${suffix}.action-results`,
    actionLifecycle: `test.${suffix}.lifecycle`,
    auditEvents: `test.${suffix}.audit`,
    executionRequests: `test.${suffix}.execution-requests`,
    ontologyChanges: `test.${suffix}.changes`,
  });
  const admin = kafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [
        ...[...CONSUMED, ...PUBLISHED].map((key) => ({ topic: topics[key], numPartitions: topicCatalog[key].partitions, replicationFactor: 1 })),
        ...CONSUMED.map((key) => ({ topic: dlqTopicOf(topics[key]), numPartitions: 1, replicationFactor: 1 })),
      ],
    });
  } finally {
    await admin.disconnect();
  }
  await registerContracts(schemaRegistryUrl(), topics);
  return { fixture, tenantId: fixture.tenantId, processorUrl, topics, groupId: `test-governance-${suffix}`, logDir: mkdtempSync(join(tmpdir(), 'l3-governance-')) };
}

/** Pumps p<from>..p<to> (serial SN-i, running, version 1), each installed at s((i-1)%3+1). */
async function seedPumps(fixture: GovernanceFixture, from: number, to: number): Promise<void> {
  const client = await fixture.admin.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO objects (tenant_id, object_type_id, external_id, properties, source_version)
       SELECT $1, t.id, 'p' || i, jsonb_build_object('serialNumber', 'SN-' || i, 'status', 'running'), 1
       FROM object_types t, generate_series($2::int, $3::int) AS i
       WHERE t.tenant_id = $1 AND t.name = 'Pump'`,
      [fixture.tenantId, from, to],
    );
    await client.query(
      `INSERT INTO links (tenant_id, link_type_id, from_object_type_id, from_object_id, to_object_type_id, to_object_id, source_version)
       SELECT $1, lt.id, f.object_type_id, f.id, s.object_type_id, s.id, 1
       FROM generate_series($2::int, $3::int) AS i
       JOIN link_types lt ON lt.tenant_id = $1 AND lt.name = 'installedAt'
       JOIN object_types ft ON ft.tenant_id = $1 AND ft.name = 'Pump'
       JOIN objects f ON f.tenant_id = $1 AND f.object_type_id = ft.id AND f.external_id = 'p' || i
       JOIN object_types st ON st.tenant_id = $1 AND st.name = 'Site'
       JOIN objects s ON s.tenant_id = $1 AND s.object_type_id = st.id AND s.external_id = 's' || ((i - 1) % 3 + 1)`,
      [fixture.tenantId, from, to],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** The site pump p<i> is installed at (as seeded). */
export const siteOfPump = (i: number): string => `s${((i - 1) % 3) + 1}`;

/** A governance processor child process. */
export class GovernanceProcess extends ProcessorChild {
  static start(env: GovernanceEnvironment, name: string, extraEnv: Record<string, string> = {}): GovernanceProcess {
    return new GovernanceProcess('processors/governance/main.ts', join(env.logDir, `${name}.log`), {
      DATABASE_URL: env.processorUrl,
      GOVERNANCE_GROUP_ID: env.groupId,
      GOVERNANCE_INSTANCE_ID: name,
      GOVERNANCE_HEALTH_PORT: '0',
      // The broker's minimum: a killed instance's partitions move on after 6 s, not 30.
      GOVERNANCE_SESSION_TIMEOUT_MS: '6000',
      L3_TOPIC_PROPOSALS: env.topics.proposals,
      L3_TOPIC_DECISIONS: env.topics.decisions,
      L3_TOPIC_ACTION_RESULTS: env.topics.actionResults,
      L3_TOPIC_ACTION_LIFECYCLE: env.topics.actionLifecycle,
      L3_TOPIC_AUDIT_EVENTS: env.topics.auditEvents,
      L3_TOPIC_EXECUTION_REQUESTS: env.topics.executionRequests,
      L3_TOPIC_ONTOLOGY_CHANGES: env.topics.ontologyChanges,
      ...extraEnv,
    });
  }
}

// ---- commands, as L4 and L5 would send them ----

export type ProposalInput = Partial<Omit<ActionProposed, 'parameters'>> & Pick<ActionProposed, 'actionType' | 'targets'> & { parameters: Record<string, unknown> };

export function actionProposed(env: GovernanceEnvironment, input: ProposalInput): ActionProposed {
  const proposalId = input.proposalId ?? randomUUID();
  return {
    tenantId: env.tenantId,
    eventId: randomUUID(),
    proposalId,
    idempotencyKey: `key-${proposalId}`,
    actionTypeVersion: null,
    proposedBy: 'agent:planner',
    rationale: 'test',
    expiresAt: null,
    occurredAt: Date.now(),
    ...input,
    parameters: JSON.stringify(input.parameters),
  };
}

export function actionDecision(env: GovernanceEnvironment, input: Partial<ActionDecision> & Pick<ActionDecision, 'proposalId' | 'decision' | 'actor'>): ActionDecision {
  return { tenantId: env.tenantId, eventId: randomUUID(), actorRoles: ['approver'], bindingHash: null, reason: null, occurredAt: Date.now(), ...input };
}

export function actionResult(env: GovernanceEnvironment, input: Partial<ActionResult> & Pick<ActionResult, 'proposalId' | 'executionId' | 'status' | 'bindingHash'>): ActionResult {
  return { tenantId: env.tenantId, eventId: randomUUID(), output: '{}', error: null, executor: 'executor:test', occurredAt: Date.now(), ...input };
}

type Command = ActionProposed | ActionDecision | ActionResult;

/** An idempotent producer of governance commands, keyed `${tenantId}:${proposalId}` (§2). */
export class CommandProducer {
  readonly #env: GovernanceEnvironment;
  readonly #serde = AvroSerde.connect(schemaRegistryUrl());
  readonly #producer: KafkaJS.Producer;

  private constructor(env: GovernanceEnvironment, producer: KafkaJS.Producer) {
    this.#env = env;
    this.#producer = producer;
  }

  static async connect(env: GovernanceEnvironment, clientId = 'test-governance-producer'): Promise<CommandProducer> {
    const producer = kafka(clientId).producer({ kafkaJS: { idempotent: true, acks: -1 }, 'linger.ms': 10 });
    await producer.connect();
    return new CommandProducer(env, producer);
  }

  proposals(events: readonly ActionProposed[]): Promise<void> {
    return this.#send(this.#env.topics.proposals, ActionProposedSchema, events);
  }

  decisions(events: readonly ActionDecision[]): Promise<void> {
    return this.#send(this.#env.topics.decisions, ActionDecisionSchema, events);
  }

  results(events: readonly ActionResult[]): Promise<void> {
    return this.#send(this.#env.topics.actionResults, ActionResultSchema, events);
  }

  async close(): Promise<void> {
    await this.#producer.disconnect();
  }

  async #send(topic: string, schema: AvroRecordSchema, events: readonly Command[]): Promise<void> {
    if (events.length === 0) return;
    const messages: KafkaJS.Message[] = [];
    for (const event of events) {
      messages.push({ key: `${event.tenantId}:${event.proposalId}`, value: await this.#serde.encode(`${topic}-value`, schema, event) });
    }
    await this.#producer.send({ topic, messages });
  }
}

/** Sends `events` with a producer of its own (a one-off command). */
export async function produceCommands(env: GovernanceEnvironment, commands: { proposals?: ActionProposed[]; decisions?: ActionDecision[]; results?: ActionResult[] }): Promise<void> {
  const producer = await CommandProducer.connect(env);
  try {
    await producer.proposals(commands.proposals ?? []);
    await producer.decisions(commands.decisions ?? []);
    await producer.results(commands.results ?? []);
  } finally {
    await producer.close();
  }
}

// ---- reading back ----

/** A condition that reads Postgres: a transient failure (the database restarting) means "not yet". */
export function polled(condition: () => Promise<boolean>): () => Promise<boolean> {
  return async () => {
    try {
      return await condition();
    } catch (error) {
      if (isTransientPostgresError(error)) return false;
      throw error;
    }
  };
}

/** A read of Postgres, retried while the database is briefly gone. */
export function retried<T>(read: () => Promise<T>): Promise<T> {
  return retryWithBackoff(read, { isRetryable: isTransientPostgresError, maxAttempts: 40, initialMs: 200, maxMs: 5_000 });
}

export interface ProposalRow {
  readonly proposalId: string;
  readonly state: string;
  readonly bindingHash: string | null;
  readonly executionId: string | null;
  readonly stateReason: string | null;
}

/** Every proposal row of the tenant (admin connection: no row-level security in the way). */
export async function proposalRows(env: GovernanceEnvironment, state?: string): Promise<ProposalRow[]> {
  const { rows } = await retried(() =>
    env.fixture.admin.query<{ proposal_id: string; state: string; binding_hash: string | null; execution_id: string | null; state_reason: string | null }>(
      `SELECT proposal_id, state, binding_hash, execution_id, state_reason FROM action_proposals
       WHERE tenant_id = $1 AND ($2::text IS NULL OR state = $2) ORDER BY created_at, proposal_id`,
      [env.tenantId, state ?? null],
    ),
  );
  return rows.map((r) => ({ proposalId: r.proposal_id, state: r.state, bindingHash: r.binding_hash, executionId: r.execution_id, stateReason: r.state_reason }));
}

/** Waits until proposal `proposalId` is in one of `states`; returns its row. */
export async function waitForState(env: GovernanceEnvironment, proposalId: string, states: readonly string[], timeoutMs = 120_000): Promise<ProposalRow> {
  let found: ProposalRow | undefined;
  await waitFor(`proposal ${proposalId} to reach ${states.join(' or ')}`, polled(async () => {
    const { rows } = await env.fixture.admin.query<{ state: string; binding_hash: string | null; execution_id: string | null; state_reason: string | null }>(
      'SELECT state, binding_hash, execution_id, state_reason FROM action_proposals WHERE tenant_id = $1 AND proposal_id = $2',
      [env.tenantId, proposalId],
    );
    const row = rows[0];
    if (row && states.includes(row.state)) found = { proposalId, state: row.state, bindingHash: row.binding_hash, executionId: row.execution_id, stateReason: row.state_reason };
    return found !== undefined;
  }), timeoutMs);
  return found!;
}

async function highWatermarks(topic: string): Promise<Map<number, number>> {
  const admin = kafka().admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(o.high)]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Every record produced so far to the consumed topics is applied (its offset stored in Postgres)
 * and everything the processor wrote to the outbox and dead_letters is relayed.
 */
export async function waitUntilIdle(env: GovernanceEnvironment, timeoutMs = 300_000): Promise<void> {
  const wanted = new Map<string, number>();
  for (const key of CONSUMED) {
    for (const [partition, high] of await highWatermarks(env.topics[key])) wanted.set(`${env.topics[key]}:${partition}`, high);
  }
  const admin = env.fixture.admin;
  await waitFor('the governance processor to apply every command and relay every event', polled(async () => {
    const offsets = await admin.query<{ topic: string; partition: number; next_offset: string }>(
      'SELECT topic, partition, next_offset FROM consumer_offsets WHERE consumer_group = $1',
      [env.groupId],
    );
    const stored = new Map(offsets.rows.map((r) => [`${r.topic}:${r.partition}`, Number(r.next_offset)]));
    for (const [key, high] of wanted) if (high > 0 && (stored.get(key) ?? 0) < high) return false;
    const backlog = await admin.query<{ n: string }>(
      'SELECT (SELECT count(*) FROM outbox WHERE published_at IS NULL) + (SELECT count(*) FROM dead_letters WHERE published_at IS NULL) AS n',
    );
    return Number(backlog.rows[0]!.n) === 0;
  }), timeoutMs, 500);
}

/**
 * The records of a published topic decoded with `schema`, deduplicated by eventId (a relay that
 * crashed between the broker's ack and its commit republishes), in partition order.
 */
export async function readEvents<T extends { eventId: string }>(topic: string, schema: AvroRecordSchema): Promise<{ all: number; unique: (T & { record: ReadRecord })[] }> {
  const serde = AvroSerde.connect(schemaRegistryUrl());
  const records = await readToEnd(topic);
  const seen = new Set<string>();
  const unique: (T & { record: ReadRecord })[] = [];
  for (const record of records) {
    const { value } = await serde.decode<T>(record.value, schema);
    if (seen.has(value.eventId)) continue;
    seen.add(value.eventId);
    unique.push({ ...value, record });
  }
  return { all: records.length, unique };
}
