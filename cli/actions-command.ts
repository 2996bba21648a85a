// `l3 actions ...`: the L4/L5 stand-in for people and scripts (ARCHITECTURE §6). propose puts an
// ActionProposed on l4.agent.proposals.v1; approve, reject and cancel put an ActionDecision on
// l5.governance.decisions.v1 (both keyed tenantId:proposalId); the governance processor does the
// rest. approve without --hash, and show, read the platform database as the gateway role with
// app.tenant_id set, so row-level security shows them one tenant, as it shows the gateway.
// The builders and encoders are exported for `l3 up`'s demo and the governance benchmark.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { ActionDecisionSchema, type ActionDecision, type Decision } from '../contracts/generated/action-decision.ts';
import { ActionProposedSchema, type ActionProposed, type ObjectRef } from '../contracts/generated/action-proposed.ts';
import { AvroSerde, SerdeError } from '../contracts/serde/index.ts';
import { defaultTopicNames, subjectOf } from '../contracts/topics.ts';
import { decisionRecord, proposalIdFor, proposalRecord, PROPOSAL_ID_NAMESPACE } from '../contracts/commands/action-commands.ts';
import { API_NAME_PATTERN } from '../ontology/ontology-file.ts';
import { isTerminal, type ActionState } from '../processors/governance/action-states.ts';
import { kafkaKey } from '../processors/materializer/entity-keys.ts';
import { newTraceparent } from '../runtime/trace-context.ts';
import { CliError } from './cli-error.ts';
import { loadCliConfig, type CliConfig } from './config.ts';
import { platformDatabaseUrls } from './platform-urls.ts';

export const ACTIONS_USAGE = [
  'usage: l3 actions propose --tenant UUID --action NAME [--version N] [--target Type/id ...] --params JSON --by ACTOR',
  '                          [--rationale TEXT] [--idempotency-key KEY]',
  '       l3 actions approve <proposalId> --tenant UUID --as ACTOR --roles ROLE[,ROLE] [--hash SHA256] [--reason TEXT]',
  '       l3 actions reject  <proposalId> --tenant UUID --as ACTOR --roles ROLE[,ROLE] [--reason TEXT]',
  '       l3 actions cancel  <proposalId> --tenant UUID --as ACTOR [--roles ROLE[,ROLE]] [--reason TEXT]',
  '       l3 actions show    <proposalId> --tenant UUID',
  'approve without --hash and show read the platform database (--database-url URL: another one, as a role that may read it).',
].join('\n');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const OBJECT_TYPE = new RegExp(API_NAME_PATTERN);
// tool_catalog.name (migration 0004): also the MCP tool name.
const TOOL_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,127}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const ROLE = /^[A-Za-z0-9_.:-]{1,64}$/;
// action_proposals.idempotency_key (migration 0004).
const MAX_IDEMPOTENCY_KEY = 256;
const MAX_OBJECT_ID = 512;

export interface ProposeInput {
  readonly tenantId: string;
  readonly actionType: string;
  readonly actionTypeVersion: number | null;
  readonly targets: readonly ObjectRef[];
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly proposedBy: string;
  readonly rationale: string;
  /** Absent: the proposal id is the key, so nothing is deduplicated. */
  readonly idempotencyKey?: string | undefined;
}

export interface DecideInput {
  readonly tenantId: string;
  readonly proposalId: string;
  readonly decision: Decision;
  readonly actor: string;
  readonly roles: readonly string[];
  /** Absent for APPROVE: read from the database. */
  readonly bindingHash?: string | undefined;
  readonly reason?: string | undefined;
}

export type ActionsCommandLine =
  | { readonly verb: 'propose'; readonly proposal: ProposeInput }
  | { readonly verb: 'decide'; readonly decision: DecideInput; readonly databaseUrl: string | undefined }
  | { readonly verb: 'show'; readonly tenantId: string; readonly proposalId: string; readonly databaseUrl: string | undefined };

const DECISIONS: Readonly<Record<string, Decision>> = { approve: 'APPROVE', reject: 'REJECT', cancel: 'CANCEL' };

function usageError(problem: string): CliError {
  return new CliError('USAGE', `${problem}\n${ACTIONS_USAGE}`);
}

/** The command line, validated; a CliError (USAGE, exit 2) names the first problem. No I/O. */
export function parseActionsArgs(args: readonly string[]): ActionsCommandLine {
  const [verb, ...rest] = args;
  if (verb === undefined) throw usageError('no verb given');
  if (verb === 'propose') {
    const values = parseOptions(verb, rest, {
      tenant: { type: 'string' },
      action: { type: 'string' },
      version: { type: 'string' },
      target: { type: 'string', multiple: true },
      params: { type: 'string' },
      by: { type: 'string' },
      rationale: { type: 'string' },
      'idempotency-key': { type: 'string' },
    }, 0).values;
    const key = values['idempotency-key'];
    if (key !== undefined && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY)) throw usageError(`--idempotency-key must be 1 to ${MAX_IDEMPOTENCY_KEY} characters, got ${key.length}`);
    return {
      verb,
      proposal: {
        tenantId: tenantOption(values.tenant),
        actionType: actionOption(values.action),
        actionTypeVersion: values.version === undefined ? null : versionOption(values.version),
        targets: (values.target ?? []).map(parseTarget),
        parameters: parseParameters(required(values.params, '--params JSON (the action\'s parameters, a JSON object) is required')),
        proposedBy: nonEmpty(values.by, '--by ACTOR (who proposes) is required'),
        rationale: values.rationale ?? '',
        idempotencyKey: key,
      },
    };
  }
  // Own keys only: `l3 actions toString` is an unknown verb, not a decision.
  const decision = Object.hasOwn(DECISIONS, verb) ? DECISIONS[verb] : undefined;
  if (decision !== undefined) {
    const { values, proposalId } = parseOptions(verb, rest, {
      tenant: { type: 'string' },
      as: { type: 'string' },
      roles: { type: 'string' },
      hash: { type: 'string' },
      reason: { type: 'string' },
      'database-url': { type: 'string' },
    }, 1);
    const tenantId = tenantOption(values.tenant);
    const actor = nonEmpty(values.as, `--as ACTOR (who ${verb}s) is required`);
    if (values.hash !== undefined && decision !== 'APPROVE') throw usageError(`--hash is for approve only: ${verb} needs no binding hash`);
    if (values.hash !== undefined && !SHA256_HEX.test(values.hash)) throw usageError(`--hash must be the binding hash, 64 lowercase hex characters (sha256), got "${values.hash}"`);
    // The proposer (or an admin) may cancel without any role; approving and rejecting need one the policy allows.
    const roles = values.roles === undefined && decision === 'CANCEL' ? [] : parseRoles(required(values.roles, `--roles ROLE[,ROLE] is required for ${verb} (e.g. --roles approver)`));
    return {
      verb: 'decide',
      decision: {
        tenantId,
        proposalId: proposalId!,
        decision,
        actor,
        roles,
        bindingHash: values.hash,
        reason: values.reason,
      },
      databaseUrl: urlOption(values['database-url']),
    };
  }
  if (verb === 'show') {
    const { values, proposalId } = parseOptions(verb, rest, { tenant: { type: 'string' }, 'database-url': { type: 'string' } }, 1);
    return { verb, tenantId: tenantOption(values.tenant), proposalId: proposalId!, databaseUrl: urlOption(values['database-url']) };
  }
  throw usageError(`unknown actions verb "${verb}"; use propose, approve, reject, cancel or show`);
}

type OptionSpec = Record<string, { type: 'string'; multiple?: boolean }>;
type OptionValues<O extends OptionSpec> = { [K in keyof O]?: O[K]['multiple'] extends true ? string[] : string };

function parseOptions<O extends OptionSpec>(verb: string, args: readonly string[], options: O, positionals: 0 | 1): { values: OptionValues<O>; proposalId: string | undefined } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw usageError(`${verb}: ${(error as Error).message}`);
  }
  if (parsed.positionals.length > positionals) throw usageError(`${verb}: unexpected argument "${parsed.positionals[positionals]}"`);
  let proposalId: string | undefined;
  if (positionals === 1) {
    proposalId = parsed.positionals[0];
    if (proposalId === undefined) throw usageError(`${verb} needs the proposal id: l3 actions ${verb} <proposalId> ...`);
    if (!UUID.test(proposalId)) throw usageError(`the proposal id must be a UUID, got "${proposalId}"`);
    proposalId = proposalId.toLowerCase();
  }
  return { values: parsed.values as OptionValues<O>, proposalId };
}

function required(value: string | undefined, problem: string): string {
  if (value === undefined) throw usageError(problem);
  return value;
}

function nonEmpty(value: string | undefined, problem: string): string {
  if (value === undefined || value.trim() === '') throw usageError(problem);
  return value;
}

function tenantOption(value: string | undefined): string {
  if (value === undefined) throw usageError('--tenant UUID is required');
  if (!UUID.test(value)) throw usageError(`--tenant must be a UUID, got "${value}"`);
  return value.toLowerCase();
}

function actionOption(value: string | undefined): string {
  if (value === undefined) throw usageError('--action NAME (a tool of the tenant\'s catalog, e.g. set_pump_status) is required');
  if (!TOOL_NAME.test(value)) throw usageError(`--action must be a tool name (${TOOL_NAME.source}), got "${value}"`);
  return value;
}

function versionOption(value: string): number {
  const version = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(version) || version < 1) throw usageError(`--version must be a positive integer, got "${value}"`);
  return version;
}

function urlOption(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    new URL(value);
  } catch {
    throw usageError(`--database-url is not a valid URL: "${value}"`);
  }
  return value;
}

/** `Type/id`: the type is an API name; the id is everything after the first slash (ids may hold slashes). */
export function parseTarget(text: string): ObjectRef {
  const slash = text.indexOf('/');
  const objectType = slash < 0 ? text : text.slice(0, slash);
  const objectId = slash < 0 ? '' : text.slice(slash + 1);
  if (slash < 0 || !OBJECT_TYPE.test(objectType) || objectId.length === 0 || objectId.length > MAX_OBJECT_ID) {
    throw usageError(`--target must be Type/id, e.g. Pump/pump-1-1-1 (Type an object type name, id 1 to ${MAX_OBJECT_ID} characters), got "${text}"`);
  }
  return { objectType, objectId };
}

/** The parameters as a JSON object (what ActionProposed.parameters must hold). */
export function parseParameters(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw usageError(`--params is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw usageError(`--params must be a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}`);
  }
  return value as Record<string, unknown>;
}

function parseRoles(text: string): string[] {
  const roles = text.split(',').map((role) => role.trim());
  const bad = roles.find((role) => !ROLE.test(role));
  if (bad !== undefined) throw usageError(`--roles must be a comma-separated list of role names (e.g. approver,admin), got "${text}"`);
  return [...new Set(roles)];
}

/** An ActionProposed for the input (contracts/commands/action-commands.ts, shared with the gateway). */
export function newProposal(input: ProposeInput, now: number = Date.now()): ActionProposed {
  return proposalRecord(input, now);
}

/** An ActionDecision for the input; the CLI sends no idempotency key, so each run is a new decision. */
export function newDecision(input: DecideInput, now: number = Date.now()): ActionDecision {
  return decisionRecord(input, now);
}

export { proposalIdFor, PROPOSAL_ID_NAMESPACE };

export interface EncodedCommand {
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}

/**
 * A Kafka message for the proposals topic. `subjectTopic` names the value subject (the topic the
 * schema is registered for); the schema id travels in the value, so it may be produced elsewhere.
 */
export async function encodeProposal(serde: AvroSerde, event: ActionProposed, subjectTopic: string = defaultTopicNames.proposals): Promise<EncodedCommand> {
  return { key: kafkaKey(event.tenantId, event.proposalId), value: await serde.encode(subjectOf(subjectTopic), ActionProposedSchema, event), headers: { traceparent: newTraceparent() } };
}

/** A Kafka message for the decisions topic (key as the proposal's, so its decisions stay in order). */
export async function encodeDecision(serde: AvroSerde, event: ActionDecision, subjectTopic: string = defaultTopicNames.decisions): Promise<EncodedCommand> {
  return { key: kafkaKey(event.tenantId, event.proposalId), value: await serde.encode(subjectOf(subjectTopic), ActionDecisionSchema, event), headers: { traceparent: newTraceparent() } };
}

// ---------------------------------------------------------------------------------------------
// Reading a proposal (as any role that may SELECT it; the transaction sets app.tenant_id).

export interface ProposalView {
  readonly proposalId: string;
  readonly actionType: string;
  readonly actionTypeVersion: number;
  readonly state: ActionState;
  readonly stateReason: string | null;
  readonly blastRadius: string | null;
  readonly bindingHash: string | null;
  readonly proposedBy: string;
  readonly rationale: string;
  readonly parameters: Record<string, unknown>;
  readonly targets: readonly ObjectRef[];
  readonly affected: readonly { objectType: string; objectId: string; version: number }[];
  readonly expiresAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly approvals: readonly { approver: string; roles: string[]; bindingHash: string; decidedAt: Date; expiresAt: Date }[];
}

export interface AuditEntry {
  readonly seq: number;
  readonly eventType: string;
  readonly event: Record<string, unknown>;
  readonly occurredAt: Date;
}

async function inTenant<T>(client: pg.ClientBase, tenantId: string, read: () => Promise<T>): Promise<T> {
  await client.query('BEGIN READ ONLY');
  try {
    await client.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
    return await read();
  } finally {
    await client.query('ROLLBACK').catch(() => {});
  }
}

export async function readProposal(client: pg.ClientBase, tenantId: string, proposalId: string): Promise<ProposalView | undefined> {
  return inTenant(client, tenantId, async () => {
    const { rows } = await client.query<{
      proposal_id: string;
      action_type: string;
      action_type_version: number;
      state: ActionState;
      state_reason: string | null;
      blast_radius: string | null;
      binding_hash: string | null;
      proposed_by: string;
      rationale: string;
      parameters: Record<string, unknown>;
      targets: ObjectRef[];
      simulation: { affected?: { objectType: string; objectId: string; version: number }[] } | null;
      expires_at: Date | null;
      created_at: Date;
      updated_at: Date;
    }>(
      `SELECT proposal_id, action_type, action_type_version, state, state_reason, blast_radius, binding_hash, proposed_by, rationale,
         parameters, targets, simulation, expires_at, created_at, updated_at
       FROM action_proposals WHERE tenant_id = $1 AND proposal_id = $2`,
      [tenantId, proposalId],
    );
    const row = rows[0];
    if (!row) return undefined;
    const approvals = await client.query<{ approver: string; roles: string[]; binding_hash: string; decided_at: Date; expires_at: Date }>(
      'SELECT approver, roles, binding_hash, decided_at, expires_at FROM action_approvals WHERE tenant_id = $1 AND proposal_id = $2 ORDER BY decided_at, approver',
      [tenantId, proposalId],
    );
    return {
      proposalId: row.proposal_id,
      actionType: row.action_type,
      actionTypeVersion: row.action_type_version,
      state: row.state,
      stateReason: row.state_reason,
      blastRadius: row.blast_radius,
      bindingHash: row.binding_hash,
      proposedBy: row.proposed_by,
      rationale: row.rationale,
      parameters: row.parameters,
      targets: row.targets,
      affected: row.simulation?.affected ?? [],
      expiresAt: row.expires_at,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      approvals: approvals.rows.map((a) => ({ approver: a.approver, roles: a.roles, bindingHash: a.binding_hash, decidedAt: a.decided_at, expiresAt: a.expires_at })),
    };
  });
}

/** The audit events about one proposal (transitions, recorded approvals, refusals), in chain order. */
export async function readProposalAudit(client: pg.ClientBase, tenantId: string, proposalId: string): Promise<AuditEntry[]> {
  return inTenant(client, tenantId, async () => {
    const { rows } = await client.query<{ seq: string; event_type: string; event: Record<string, unknown>; occurred_at: Date }>(
      "SELECT seq, event_type, event, occurred_at FROM audit_events WHERE tenant_id = $1 AND event->>'proposalId' = $2 ORDER BY seq",
      [tenantId, proposalId],
    );
    return rows.map((r) => ({ seq: Number(r.seq), eventType: r.event_type, event: r.event, occurredAt: r.occurred_at }));
  });
}

export function renderProposal(view: ProposalView, audit: readonly AuditEntry[], now: number = Date.now()): string {
  const ref = (o: { objectType: string; objectId: string }) => `${o.objectType}/${o.objectId}`;
  const lines = [
    `proposal      ${view.proposalId}`,
    `action        ${view.actionType} v${view.actionTypeVersion}, proposed by ${view.proposedBy} at ${view.createdAt.toISOString()}`,
    `targets       ${view.targets.length > 0 ? view.targets.map(ref).join(', ') : '(none)'}`,
    `parameters    ${JSON.stringify(view.parameters)}`,
    `rationale     ${view.rationale || '(none)'}`,
    `state         ${view.state}${view.stateReason ? ` (${view.stateReason})` : ''}${isTerminal(view.state) ? '' : view.expiresAt ? `, expires ${view.expiresAt.toISOString()}` : ''}`,
    `blast radius  ${view.blastRadius ?? '(not simulated)'}`,
    `binding hash  ${view.bindingHash ?? '(not simulated)'}`,
    `affected      ${view.affected.length > 0 ? view.affected.map((a) => `${ref(a)} v${a.version}`).join(', ') : '(none)'}`,
  ];
  if (view.approvals.length === 0) lines.push('approvals     (none)');
  view.approvals.forEach((a, i) => {
    const counts = a.bindingHash !== view.bindingHash ? 'for an older hash: does not count' : a.expiresAt.getTime() <= now ? 'expired: does not count' : `counts until ${a.expiresAt.toISOString()}`;
    lines.push(`${i === 0 ? 'approvals     ' : '              '}${a.approver} [${a.roles.join(', ')}] at ${a.decidedAt.toISOString()}, ${counts}`);
  });
  lines.push('audit');
  if (audit.length === 0) lines.push('  (no audit events)');
  for (const entry of audit) lines.push(`  seq ${String(entry.seq).padEnd(6)} ${entry.occurredAt.toISOString()}  ${describeAudit(entry)}`);
  return lines.join('\n');
}

function describeAudit({ eventType, event }: AuditEntry): string {
  const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  switch (eventType) {
    case 'ACTION_TRANSITION':
      return `${event.from === null || event.from === undefined ? 'created' : text(event.from)} -> ${text(event.to)} by ${text(event.actor)}${event.reason ? `: ${text(event.reason)}` : ''}`;
    case 'APPROVAL_RECORDED':
      return `approval recorded: ${text(event.approver)} [${Array.isArray(event.roles) ? event.roles.join(', ') : ''}]`;
    case 'ACTION_REFUSED':
      return `REFUSED ${text(event.command)} by ${text(event.actor)}: ${text(event.code)}: ${text(event.reason)}`;
    default:
      return `${eventType} ${JSON.stringify(event)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// The command.

export async function actionsCommand(args: string[]): Promise<number> {
  if (args.length === 1 && ['help', '--help', '-h'].includes(args[0]!)) {
    console.log(ACTIONS_USAGE);
    return 0;
  }
  const line = parseActionsArgs(args);
  const config = loadCliConfig();
  try {
    return await run(line, config);
  } catch (error) {
    // cli-error.ts has no code for an unreachable database: reported here, exit 1.
    if (!(error instanceof DatabaseUnavailableError)) throw error;
    console.error(`l3: error: ${error.message}`);
    return 1;
  }
}

class DatabaseUnavailableError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnavailableError';
  }
}

async function run(line: ActionsCommandLine, config: CliConfig): Promise<number> {
  switch (line.verb) {
    case 'propose': {
      const event = newProposal(line.proposal);
      await produce(config, defaultTopicNames.proposals, await encode(() => encodeProposal(AvroSerde.connect(config.schemaRegistryUrl), event)));
      console.log(event.proposalId);
      console.error(
        `proposed ${event.actionType} in tenant ${event.tenantId} as ${event.proposedBy} (idempotency key ${event.idempotencyKey}); ` +
          `see it with: bin/l3 actions show ${event.proposalId} --tenant ${event.tenantId}`,
      );
      return 0;
    }
    case 'decide': {
      let decision = line.decision;
      if (decision.decision === 'APPROVE' && decision.bindingHash === undefined) {
        const proposal = await withDatabase(gatewayUrl(config, line.databaseUrl), (client) => readProposal(client, decision.tenantId, decision.proposalId));
        if (!proposal) return notFound(decision.tenantId, decision.proposalId);
        if (proposal.bindingHash === null) {
          console.error(`l3: proposal ${decision.proposalId} is ${proposal.state} and has no binding hash to approve${proposal.stateReason ? ` (${proposal.stateReason})` : ''}`);
          return 1;
        }
        if (proposal.state !== 'PENDING_APPROVAL') console.error(`l3: note: proposal ${decision.proposalId} is ${proposal.state}; the governance processor will refuse the approval (and audit it)`);
        decision = { ...decision, bindingHash: proposal.bindingHash };
      }
      const event = newDecision(decision);
      await produce(config, defaultTopicNames.decisions, await encode(() => encodeDecision(AvroSerde.connect(config.schemaRegistryUrl), event)));
      console.log(
        `${event.decision} of proposal ${event.proposalId} by ${event.actor} [${event.actorRoles.join(', ')}]${event.bindingHash ? ` bound to ${event.bindingHash}` : ''} sent (eventId ${event.eventId}); ` +
          `the outcome: bin/l3 actions show ${event.proposalId} --tenant ${event.tenantId}`,
      );
      return 0;
    }
    case 'show': {
      const shown = await withDatabase(gatewayUrl(config, line.databaseUrl), async (client) => {
        const proposal = await readProposal(client, line.tenantId, line.proposalId);
        return proposal ? { proposal, audit: await readProposalAudit(client, line.tenantId, line.proposalId) } : undefined;
      });
      if (!shown) return notFound(line.tenantId, line.proposalId);
      console.log(renderProposal(shown.proposal, shown.audit));
      return 0;
    }
  }
}

function notFound(tenantId: string, proposalId: string): number {
  console.error(`l3: proposal ${proposalId} is not known in tenant ${tenantId} (yet): the governance processor records a proposal when it consumes it`);
  return 1;
}

function gatewayUrl(config: CliConfig, given: string | undefined): string {
  return given ?? platformDatabaseUrls(config.postgresAdminUrl).gateway;
}

async function withDatabase<T>(url: string, read: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'l3-actions-cli' });
  try {
    await client.connect();
  } catch (error) {
    const where = new URL(url);
    where.password = '';
    throw new DatabaseUnavailableError(`cannot connect to ${where.toString()}: ${(error as Error).message} (is the platform up? bin/l3 up)`, { cause: error });
  }
  try {
    return await read(client);
  } finally {
    await client.end();
  }
}

async function encode(build: () => Promise<EncodedCommand>): Promise<EncodedCommand> {
  try {
    return await build();
  } catch (error) {
    // A lookup that failed for a transient reason (registry or its storage down) is also
    // SCHEMA_NOT_REGISTERED, but retryable: registering would not help, trying again may.
    if (error instanceof SerdeError && error.code === 'SCHEMA_NOT_REGISTERED' && !error.retryable) throw new CliError('REGISTRY', `${error.message}: run bin/l3 contracts register`, { cause: error });
    if (error instanceof SerdeError) throw new CliError('REGISTRY', `nothing was sent: ${error.message}${error.retryable ? ' (the registry did not answer; try again)' : ''}`, { cause: error });
    throw error;
  }
}

async function produce(config: CliConfig, topic: string, message: EncodedCommand): Promise<void> {
  // Imported here: parsing and validating must not need the native Kafka client.
  const { KafkaJS } = await import('@confluentinc/kafka-javascript');
  const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers: [...config.kafkaBrokers], clientId: 'l3-actions-cli', logLevel: KafkaJS.logLevel.ERROR } });
  const producer = kafka.producer({ kafkaJS: { idempotent: true, acks: -1 } });
  try {
    await producer.connect();
    await producer.send({ topic, messages: [message] });
  } catch (error) {
    throw new CliError('KAFKA', `sending to ${topic} on ${config.kafkaBrokers.join(',')} failed: ${(error as Error).message}; sending again is safe for proposals with --idempotency-key`, { cause: error });
  } finally {
    await producer.disconnect().catch(() => {});
  }
}
