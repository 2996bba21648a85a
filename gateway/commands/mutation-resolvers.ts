// The resolvers of mutations.graphql. Order in each: the role check (@requiresRole, applied by
// role-checks.ts before the resolver runs; cancel checks the proposer itself), input validation,
// encoding (the registry's schema id), one produce acknowledged by all in-sync replicas, then
// optionally waiting for the processor. A refused or invalid mutation produces nothing.
import type { Decision } from '../../contracts/generated/action-decision.ts';
import { forbidden, notFound } from '../errors.ts';
import type { GatewayContext } from '../request-scope.ts';
import type { ResolverMap } from '../resolvers/index.ts';
import { hasAnyRole } from '../roles.ts';
import { validBindingHash, validProposalId, validReason, idempotencyKey, type ProposeArgs } from './command-input.ts';
import { decisionRecord, encodeDecision } from './command-records.ts';
import { commandReceipt, commandsNotConfigured, encoded, proposeAction, waitOptions, type CommandDeps, type CommandReceipt } from './propose-action.ts';
import { auditHead, waitForDecision } from './wait-for-apply.ts';

type Receipt = CommandReceipt;

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
    throw commandsNotConfigured();
  };
  return { Mutation: { propose: refuse, approve: refuse, reject: refuse, cancel: refuse } };
}

export function commandResolvers(deps: CommandDeps): ResolverMap {

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
    const after = args.wait === true ? await auditHead(waitOptions(deps, auth)) : 0;
    await deps.sink.send(deps.topics.decisions, message);
    const applied = args.wait === true ? await waitForDecision(waitOptions(deps, auth), proposalId, auth.subject, after) : undefined;
    return commandReceipt(proposalId, key ?? record.eventId, applied);
  };

  return {
    Mutation: {
      propose: (_: unknown, args: { input: ProposeArgs; wait?: boolean | null }, context: Context): Promise<Receipt> =>
        proposeAction(deps, context.auth, args.input, { wait: args.wait === true, traceparent: traceparentOf(context) }),
      approve: (_: unknown, args: DecisionArgs, context: Context) => decide('APPROVE', args, context),
      reject: (_: unknown, args: DecisionArgs, context: Context) => decide('REJECT', { ...args, bindingHash: undefined }, context),
      cancel: (_: unknown, args: DecisionArgs, context: Context) => decide('CANCEL', { ...args, bindingHash: undefined }, context),
    },
  };
}

function traceparentOf(context: Context): string | undefined {
  const header = context.reply?.request?.headers?.traceparent;
  return typeof header === 'string' ? header : undefined;
}
