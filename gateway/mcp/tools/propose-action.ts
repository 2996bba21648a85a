// propose_action: the GraphQL `propose` mutation for agents, through the same code
// (commands/propose-action.ts): the same role (PROPOSERS), validation, Avro record on the same
// topic, idempotency key (a given key derives the proposal id, so a retried call names the same
// proposal) and optional wait for the governance processor.
import { z } from 'zod';
import { commandsNotConfigured, proposeAction } from '../../commands/index.ts';
import { forbidden } from '../../errors.ts';
import { hasAnyRole, PROPOSERS } from '../../roles.ts';
import { objectRefInput } from '../object-schemas.ts';
import { defineTool } from '../tool-definition.ts';

export function proposeActionTool() {
  return defineTool({
    name: 'propose_action',
    title: 'Propose an action',
    description:
      'Proposes an action (an action type of list_tools) on the given objects, on behalf of the token\'s subject. L3 simulates it, classifies its blast radius and ' +
      'waits for the approvals its policy asks; nothing is executed by this call. Needs the operator or admin role. ' +
      'Give an idempotencyKey to make retries safe (the same key names the same proposal); wait: true returns once the proposal is recorded. Read its progress with get_proposal.',
    readOnly: false,
    idempotent: false,
    input: z.strictObject({
      actionType: z.string().min(1).max(128).describe('The action type (list_tools), e.g. "pump.restart".'),
      actionTypeVersion: z.number().int().min(1).describe('The version to pin (default: the latest).').optional(),
      targets: z.array(objectRefInput).max(100).describe('The objects the action targets, in the order its effects name them (at most 100).'),
      parameters: z.record(z.string(), z.unknown()).describe("The action's parameters: a JSON object valid against the action type's parameterSchema."),
      rationale: z.string().max(4000).describe('Why, in the proposer\'s words; kept in the audit chain.').optional(),
      idempotencyKey: z.string().min(1).max(256).describe('Makes a retried proposal the same proposal (the proposal id derives from it).').optional(),
      wait: z.boolean().describe('Return only once the governance processor has recorded the proposal (default false).').optional(),
    }),
    output: z.object({
      proposalId: z.string(),
      accepted: z.literal(true).describe('The command is on its topic; the governance processor will apply it.'),
      idempotencyKey: z.string(),
      state: z.string().nullable().describe('With wait: the state the processor recorded (PROPOSED or later); else null.'),
      refusal: z.string().nullable(),
    }),
    async run(input, { scope, commands, traceparent }) {
      if (!hasAnyRole(scope.auth.roles, PROPOSERS)) throw forbidden(`propose_action needs one of the roles ${PROPOSERS.join(', ')}`);
      if (commands === undefined) throw commandsNotConfigured();
      const { wait, ...proposal } = input;
      const receipt = await proposeAction(commands, scope.auth, proposal, { wait: wait === true, traceparent });
      return {
        structured: { ...receipt },
        summary: `Proposal ${receipt.proposalId} accepted${receipt.state === null ? '' : ` (state ${receipt.state})`}; read it with get_proposal.`,
      };
    },
  });
}
