// The resolvers of mutations.graphql. Order in each: the role check (@requiresRole, applied by
// role-checks.ts before the resolver runs; cancel checks the proposer itself), input validation,
// encoding (the registry's schema id), one produce acknowledged by all in-sync replicas, then
// optionally waiting for the processor. A refused or invalid mutation produces nothing.
import type { Pool } from 'pg';
import type { Decision } from '../../contracts/generated/action-decision.ts';
import { AvroSerde, SerdeError } from '../../contracts/serde/index.ts';
import type { TopicNames } from '../../contracts/topics.ts';
import type { Logger } from '../../runtime/logger.ts';
import { GatewayError, forbidden, notFound } from '../errors.ts';
import type { GatewayContext } from '../request-scope.ts';
import type { ResolverMap } from '../resolvers/index.ts';
import { hasAnyRole } from '../roles.ts';
import { validBindingHash, validProposal, validProposalId, validReason, idempotencyKey, type ProposeArgs } from './command-input.ts';
import { decisionRecord, encodeDecision, encodeProposal, proposalRecord } from './command-records.ts';
import type { CommandMessage, CommandSink } from './command-sink.ts';
import { auditHead, waitForDecision, waitForProposal, type AppliedState, type WaitOptions } from './wait-for-apply.ts';

export interface CommandDeps {
  readonly sink: CommandSink;
  readonly serde: AvroSerde;
  readonly topics: Pick<TopicNames, 'proposals' | 'decisions'>;
  readonly pool: Pool;
  readonly statementTimeoutMs: number;
  readonly waitTimeoutMs: number;
  readonly logger: Logger;
}

interface Receipt {
  readonly proposalId: string;
  readonly accepted: true;
  readonly idempotencyKey: string;
  readonly state: string | null;
  readonly refusal: string | null;
}

interface DecisionArgs {
  readonly proposalId: string;
  readonly bindingHash?: string;
  readonly reason?: string | null;
  readonly idempotencyKey?: string | null;
  readonly wait?: boolean | null;
}

type Context = GatewayContext & { reply?: { request?: { headers?: Record<string, unknown> } } };

/** Resolvers for a gateway without KAFKA_BROKERS / SCHEMA_REGISTRY_URL: every mutation is INTERNAL. */
export function unconfiguredCommandResolvers(): ResolverMap {
  const refuse = () => {
    throw new GatewayError('INTERNAL', 'commands are not configured on this gateway (KAFKA_BROKERS and SCHEMA_REGISTRY_URL)');
  };
  return { Mutation: { propose: refuse, approve: refuse, reject: refuse, cancel: refuse } };
}

export function commandResolvers(deps: CommandDeps): ResolverMap {
  const waitOptions = (context: Context): WaitOptions => ({
    pool: deps.pool,
    tenantId: context.auth.tenantId,
    statementTimeoutMs: deps.statementTimeoutMs,
    timeoutMs: deps.waitTimeoutMs,
    logger: deps.logger,
  });

  const decide = async (decision: Decision, args: DecisionArgs, context: Context): Promise<Receipt> => {
    const proposalId = validProposalId(args.proposalId);
    const bindingHash = args.bindingHash === undefined ? null : validBindingHash(args.bindingHash);
    const reason = validReason(args.reason);
    const key = idempotencyKey(args.idempotencyKey);
    const { auth } = context;
    if (decision === 'CANCEL' && !hasAnyRole(auth.roles, ['admin'])) {
      // The processor checks this too (and audits a refusal); checking here answers the caller.
      const { rows } = await context.db.query<{ proposed_by: string }>('SELECT proposed_by FROM action_proposals WHERE proposal_id = $1', [proposalId]);
      if (rows[0] === undefined) throw notFound(`proposal ${proposalId} does not exist (or is not recorded yet)`);
      if (rows[0].proposed_by !== auth.subject) throw forbidden('only the proposer or an admin may cancel a proposal');
    }
    const record = decisionRecord({ tenantId: auth.tenantId, proposalId, decision, actor: auth.subject, roles: auth.roles, bindingHash, reason, idempotencyKey: key });
    const message = await encoded(() => encodeDecision(deps.serde, deps.topics.decisions, record, traceparentOf(context)));
    const after = args.wait === true ? await auditHead(waitOptions(context)) : 0;
    await deps.sink.send(deps.topics.decisions, message);
    const applied = args.wait === true ? await waitForDecision(waitOptions(context), proposalId, auth.subject, after) : undefined;
    return receipt(proposalId, key ?? record.eventId, applied);
  };

  return {
    Mutation: {
      propose: async (_: unknown, args: { input: ProposeArgs; wait?: boolean | null }, context: Context): Promise<Receipt> => {
        const input = validProposal(args.input);
        const { auth } = context;
        const record = proposalRecord({ tenantId: auth.tenantId, proposedBy: auth.subject, ...input });
        const message = await encoded(() => encodeProposal(deps.serde, deps.topics.proposals, record, traceparentOf(context)));
        await deps.sink.send(deps.topics.proposals, message);
        const applied = args.wait === true ? await waitForProposal(waitOptions(context), record.proposalId) : undefined;
        return receipt(record.proposalId, record.idempotencyKey, applied);
      },
      approve: (_: unknown, args: DecisionArgs, context: Context) => decide('APPROVE', args, context),
      reject: (_: unknown, args: DecisionArgs, context: Context) => decide('REJECT', { ...args, bindingHash: undefined }, context),
      cancel: (_: unknown, args: DecisionArgs, context: Context) => decide('CANCEL', { ...args, bindingHash: undefined }, context),
    },
  };
}

function receipt(proposalId: string, key: string, applied: AppliedState | undefined): Receipt {
  return { proposalId, accepted: true, idempotencyKey: key, state: applied?.state ?? null, refusal: applied?.refusal ?? null };
}

function traceparentOf(context: Context): string | undefined {
  const header = context.reply?.request?.headers?.traceparent;
  return typeof header === 'string' ? header : undefined;
}

async function encoded(build: () => Promise<CommandMessage>): Promise<CommandMessage> {
  try {
    return await build();
  } catch (error) {
    if (error instanceof SerdeError) throw new GatewayError('INTERNAL', `the command could not be encoded; nothing was sent: ${error.message}`, { cause: error });
    throw error;
  }
}
