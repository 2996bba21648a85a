// The Avro commands the mutations produce: ActionProposed on the proposals topic and
// ActionDecision on the decisions topic, keyed `${tenantId}:${proposalId}` (ARCHITECTURE §2: a
// proposal's commands stay in order on one partition), with a W3C traceparent header. The same
// records `l3 actions` produces: both build them with contracts/commands/action-commands.ts.
import { commandKey } from '../../contracts/commands/action-commands.ts';
import { ActionDecisionSchema, type ActionDecision } from '../../contracts/generated/action-decision.ts';
import { ActionProposedSchema, type ActionProposed } from '../../contracts/generated/action-proposed.ts';
import type { AvroSerde } from '../../contracts/serde/index.ts';
import { subjectOf } from '../../contracts/topics.ts';
import { childTraceparent } from '../../runtime/trace-context.ts';
import type { CommandMessage } from './command-sink.ts';

export { commandKey, decisionRecord, proposalIdFor, proposalRecord, type DecisionCommand, type ProposalCommand } from '../../contracts/commands/action-commands.ts';

/** `parent`: the request's traceparent header, continued as a child; absent or invalid starts a trace. */
export async function encodeProposal(serde: AvroSerde, topic: string, record: ActionProposed, parent: string | undefined): Promise<CommandMessage> {
  return {
    key: commandKey(record.tenantId, record.proposalId),
    value: await serde.encode(subjectOf(topic), ActionProposedSchema, record),
    headers: { traceparent: childTraceparent(parent) },
  };
}

export async function encodeDecision(serde: AvroSerde, topic: string, record: ActionDecision, parent: string | undefined): Promise<CommandMessage> {
  return {
    key: commandKey(record.tenantId, record.proposalId),
    value: await serde.encode(subjectOf(topic), ActionDecisionSchema, record),
    headers: { traceparent: childTraceparent(parent) },
  };
}
