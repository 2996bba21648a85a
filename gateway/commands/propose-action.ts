// Proposing an action, as both APIs do it (the GraphQL `propose` mutation and the MCP
// `propose_action` tool): validate the input, build ActionProposed for the token's subject,
// encode it with the registry's schema id, produce it once (acks=all), and optionally wait until
// the governance processor has recorded it. The caller checks the role first (PROPOSERS); an
// invalid input is BAD_USER_INPUT and nothing is produced.
import type { Pool } from 'pg';
import { AvroSerde, SerdeError } from '../../contracts/serde/index.ts';
import type { TopicNames } from '../../contracts/topics.ts';
import type { Logger } from '../../runtime/logger.ts';
import type { AuthContext } from '../auth.ts';
import { GatewayError } from '../errors.ts';
import { validProposal, type ProposeArgs } from './command-input.ts';
import { encodeProposal, proposalRecord } from './command-records.ts';
import type { CommandMessage, CommandSink } from './command-sink.ts';
import { waitForProposal, type AppliedState, type WaitOptions } from './wait-for-apply.ts';

export interface CommandDeps {
  readonly sink: CommandSink;
  readonly serde: AvroSerde;
  readonly topics: Pick<TopicNames, 'proposals' | 'decisions'>;
  readonly pool: Pool;
  readonly statementTimeoutMs: number;
  readonly waitTimeoutMs: number;
  readonly logger: Logger;
}

/** What a command returns once the broker acknowledged it (CommandReceipt in mutations.graphql). */
export interface CommandReceipt {
  readonly proposalId: string;
  readonly accepted: true;
  readonly idempotencyKey: string;
  /** The proposal's state once the processor applied the command (wait), else null. */
  readonly state: string | null;
  /** `CODE: reason` when the processor refused a decision (wait), else null. */
  readonly refusal: string | null;
}

export interface CommandOptions {
  /** Return only once the processor has applied the command. */
  readonly wait: boolean;
  /** The request's W3C traceparent header, continued by the command's. */
  readonly traceparent: string | undefined;
}

export async function proposeAction(deps: CommandDeps, auth: AuthContext, input: ProposeArgs, options: CommandOptions): Promise<CommandReceipt> {
  const proposal = validProposal(input);
  const record = proposalRecord({ tenantId: auth.tenantId, proposedBy: auth.subject, ...proposal });
  const message = await encoded(() => encodeProposal(deps.serde, deps.topics.proposals, record, options.traceparent));
  await deps.sink.send(deps.topics.proposals, message);
  const applied = options.wait ? await waitForProposal(waitOptions(deps, auth), record.proposalId) : undefined;
  return commandReceipt(record.proposalId, record.idempotencyKey, applied);
}

/** The error of a gateway without KAFKA_BROKERS / SCHEMA_REGISTRY_URL. */
export function commandsNotConfigured(): GatewayError {
  return new GatewayError('INTERNAL', 'commands are not configured on this gateway (KAFKA_BROKERS and SCHEMA_REGISTRY_URL)');
}

export function waitOptions(deps: CommandDeps, auth: AuthContext): WaitOptions {
  return { pool: deps.pool, tenantId: auth.tenantId, statementTimeoutMs: deps.statementTimeoutMs, timeoutMs: deps.waitTimeoutMs, logger: deps.logger };
}

export function commandReceipt(proposalId: string, key: string, applied: AppliedState | undefined): CommandReceipt {
  return { proposalId, accepted: true, idempotencyKey: key, state: applied?.state ?? null, refusal: applied?.refusal ?? null };
}

export async function encoded(build: () => Promise<CommandMessage>): Promise<CommandMessage> {
  try {
    return await build();
  } catch (error) {
    if (error instanceof SerdeError) throw new GatewayError('INTERNAL', `the command could not be encoded; nothing was sent: ${error.message}`, { cause: error });
    throw error;
  }
}
