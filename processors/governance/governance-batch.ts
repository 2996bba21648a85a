// The governance processor's batch handler: commands in partition order, each in the batch's
// one transaction with row-level security set to its tenant. Commands that name nothing known
// (an action type outside the catalog, a proposal never seen) are dead-lettered.
import type { PoolClient } from 'pg';
import { ActionDecisionSchema, type ActionDecision } from '../../contracts/generated/action-decision.ts';
import { ActionProposedSchema, type ActionProposed } from '../../contracts/generated/action-proposed.ts';
import { ActionResultSchema, type ActionResult } from '../../contracts/generated/action-result.ts';
import { SerdeError, type AvroRecordSchema, type AvroSerde } from '../../contracts/serde/index.ts';
import type { TopicNames } from '../../contracts/topics.ts';
import type { ConsumedRecord, DeadLetter } from '../../runtime/kafka/consumed-record.ts';
import type { BatchHandler } from '../../runtime/kafka/transactional-consumer.ts';
import type { ProcessorMetrics } from '../../runtime/metrics.ts';
import { childTraceparent, traceparentFromRecordHeaders } from '../../runtime/trace-context.ts';
import { flushOutbox, type GovernanceContext } from './governance-context.ts';
import { handleDecision } from './handle-decision.ts';
import { handleProposal } from './handle-proposal.ts';
import { handleResult } from './handle-result.ts';
import type { GovernancePolicy } from './policy.ts';

export interface GovernanceDeps {
  readonly serde: AvroSerde;
  readonly topics: TopicNames;
  readonly metrics: ProcessorMetrics;
  readonly policyFor: (tenantId: string) => GovernancePolicy;
  /** The clock (tests move it to expire proposals). */
  readonly now?: () => number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Command =
  | { kind: 'proposal'; value: ActionProposed }
  | { kind: 'decision'; value: ActionDecision }
  | { kind: 'result'; value: ActionResult };

export function createGovernanceBatch(deps: GovernanceDeps): BatchHandler {
  const schemas = new Map<string, [Command['kind'], AvroRecordSchema]>([
    [deps.topics.proposals, ['proposal', ActionProposedSchema]],
    [deps.topics.decisions, ['decision', ActionDecisionSchema]],
    [deps.topics.actionResults, ['result', ActionResultSchema]],
  ]);
  return async (tx, records) => {
    const deadLetters: DeadLetter[] = [];
    for (const record of records) {
      const entry = schemas.get(record.topic);
      if (!entry) {
        deadLetters.push({ record, errorClass: 'UNEXPECTED_TOPIC', errorMessage: `the governance processor does not consume ${record.topic}` });
        continue;
      }
      let command: Command;
      try {
        const { value } = await deps.serde.decode<never>(record.value, entry[1]);
        command = { kind: entry[0], value } as Command;
      } catch (error) {
        if (error instanceof SerdeError && !error.retryable) {
          deadLetters.push({ record, errorClass: error.code, errorMessage: error.message });
          continue;
        }
        throw error;
      }
      const problem = await apply(tx, deps, record, command);
      if (problem) deadLetters.push({ record, ...problem });
      else deps.metrics.recordsApplied.inc({ topic: record.topic });
    }
    return { deadLetters };
  };
}

async function apply(tx: PoolClient, deps: GovernanceDeps, record: ConsumedRecord, command: Command): Promise<{ errorClass: string; errorMessage: string } | undefined> {
  const tenantId = command.value.tenantId;
  if (!UUID.test(tenantId)) return { errorClass: 'INVALID_TENANT', errorMessage: `tenantId "${tenantId}" is not a UUID` };
  await tx.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
  const context: GovernanceContext = {
    tx,
    tenantId,
    now: (deps.now ?? Date.now)(),
    policy: deps.policyFor(tenantId),
    topics: deps.topics,
    metrics: deps.metrics,
    traceparent: childTraceparent(traceparentFromRecordHeaders(record.headers)),
    outbox: [],
  };
  switch (command.kind) {
    case 'proposal': {
      const outcome = await handleProposal(context, command.value);
      await flushOutbox(context);
      if (outcome.kind === 'unknown-action-type') return { errorClass: 'UNKNOWN_ACTION_TYPE', errorMessage: outcome.reason };
      if (outcome.kind === 'duplicate') deps.metrics.recordsIgnoredOld.inc({ topic: record.topic });
      return undefined;
    }
    case 'decision': {
      const outcome = await handleDecision(context, command.value);
      await flushOutbox(context);
      return outcome.kind === 'unknown-proposal' ? { errorClass: 'UNKNOWN_PROPOSAL', errorMessage: `proposal ${command.value.proposalId} is not known` } : undefined;
    }
    case 'result': {
      const outcome = await handleResult(context, command.value);
      await flushOutbox(context);
      return outcome.kind === 'unknown-proposal' ? { errorClass: 'UNKNOWN_PROPOSAL', errorMessage: `proposal ${command.value.proposalId} is not known` } : undefined;
    }
  }
}
