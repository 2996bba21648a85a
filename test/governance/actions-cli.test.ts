// `l3 actions`: the command line is validated before anything touches the network, every bad
// input exits 2 with a message naming the problem, and the events it would send are the ones
// the governance processor expects. (propose, approve and show against a running governance
// processor are tested elsewhere.)
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { nameBasedUuid } from '../../ontology/deterministic-uuid.ts';
import {
  newDecision,
  newProposal,
  parseActionsArgs,
  parseParameters,
  parseTarget,
  PROPOSAL_ID_NAMESPACE,
  proposalIdFor,
  renderProposal,
  type ProposalView,
} from '../../cli/actions-command.ts';
import { CliError } from '../../cli/cli-error.ts';

const projectRoot = new URL('../..', import.meta.url).pathname;
const TENANT = '0c6e2f8a-6f3d-4d4b-9a57-2f1c1d3e4a5b';
const PROPOSAL = '240ac21c-eb58-85b5-8c56-5a2c7d3ceecf';
const HASH = '2882bcda921e12c87970421476f005b691c62d2235a730355034d0670d1fd95c';
const PROPOSE = ['propose', '--tenant', TENANT, '--action', 'set_pump_status', '--target', 'Pump/pump-1-1-2', '--params', '{"status":"stopped"}', '--by', 'agent:planner'];

/** The CliError a command line is refused with (USAGE, exit 2), or a failure if it is accepted. */
function refusal(t: Test, args: string[]): CliError | undefined {
  try {
    parseActionsArgs(args);
  } catch (error) {
    t.type(error, CliError);
    t.equal((error as CliError).code, 'USAGE');
    t.equal((error as CliError).exitStatus, 2);
    return error as CliError;
  }
  t.fail(`accepted: ${args.join(' ')}`);
  return undefined;
}

t.test('propose: a full command line becomes the proposal, with defaults for what is optional', async (t) => {
  const line = parseActionsArgs([...PROPOSE, '--target', 'Site/site-1-1', '--version', '1', '--rationale', 'vibration alarm', '--idempotency-key', 'k-1']);
  t.same(line, {
    verb: 'propose',
    proposal: {
      tenantId: TENANT,
      actionType: 'set_pump_status',
      actionTypeVersion: 1,
      targets: [
        { objectType: 'Pump', objectId: 'pump-1-1-2' },
        { objectType: 'Site', objectId: 'site-1-1' },
      ],
      parameters: { status: 'stopped' },
      proposedBy: 'agent:planner',
      rationale: 'vibration alarm',
      idempotencyKey: 'k-1',
    },
  });
  const minimal = parseActionsArgs(['propose', '--tenant', TENANT.toUpperCase(), '--action', 'schedule_maintenance', '--params', '{}', '--by', 'me']);
  t.match(minimal, { verb: 'propose', proposal: { tenantId: TENANT, actionTypeVersion: null, targets: [], rationale: '', idempotencyKey: undefined } }, 'tenant lower-cased; no targets, version or key');
});

t.test('approve, reject, cancel and show parse the proposal id and the actor', async (t) => {
  t.same(parseActionsArgs(['approve', PROPOSAL, '--tenant', TENANT, '--as', 'alice', '--roles', 'approver,admin', '--hash', HASH]), {
    verb: 'decide',
    decision: { tenantId: TENANT, proposalId: PROPOSAL, decision: 'APPROVE', actor: 'alice', roles: ['approver', 'admin'], bindingHash: HASH, reason: undefined },
    databaseUrl: undefined,
  });
  t.match(parseActionsArgs(['approve', PROPOSAL, '--tenant', TENANT, '--as', 'alice', '--roles', 'approver']), { decision: { bindingHash: undefined } }, 'without --hash: read from the database later');
  t.match(parseActionsArgs(['reject', PROPOSAL.toUpperCase(), '--tenant', TENANT, '--as', 'bob', '--roles', 'approver', '--reason', 'not now']), {
    decision: { proposalId: PROPOSAL, decision: 'REJECT', reason: 'not now' },
  });
  t.match(parseActionsArgs(['cancel', PROPOSAL, '--tenant', TENANT, '--as', 'agent:planner']), { decision: { decision: 'CANCEL', roles: [] } }, 'the proposer cancels without a role');
  t.same(parseActionsArgs(['show', PROPOSAL, '--tenant', TENANT]), { verb: 'show', tenantId: TENANT, proposalId: PROPOSAL, databaseUrl: undefined });
});

t.test('every bad command line is a usage error that names the problem', async (t) => {
  const cases: [string, string[], RegExp][] = [
    ['no verb', [], /no verb given/],
    ['unknown verb', ['frob'], /unknown actions verb "frob"/],
    ['inherited property as verb', ['toString', PROPOSAL, '--tenant', TENANT], /unknown actions verb "toString"/],
    ['missing tenant', ['propose', '--action', 'set_pump_status', '--params', '{}', '--by', 'me'], /--tenant UUID is required/],
    ['tenant not a UUID', ['propose', '--tenant', 'demo', '--action', 'x', '--params', '{}', '--by', 'me'], /--tenant must be a UUID, got "demo"/],
    ['missing action', ['propose', '--tenant', TENANT, '--params', '{}', '--by', 'me'], /--action NAME .* is required/],
    ['bad action name', ['propose', '--tenant', TENANT, '--action', 'drop table', '--params', '{}', '--by', 'me'], /--action must be a tool name/],
    ['bad version', [...PROPOSE, '--version', '0'], /--version must be a positive integer, got "0"/],
    ['missing params', ['propose', '--tenant', TENANT, '--action', 'x', '--by', 'me'], /--params JSON .* is required/],
    ['bad JSON', ['propose', '--tenant', TENANT, '--action', 'x', '--params', '{status: stopped}', '--by', 'me'], /--params is not valid JSON/],
    ['JSON not an object', ['propose', '--tenant', TENANT, '--action', 'x', '--params', '[1]', '--by', 'me'], /--params must be a JSON object, got an array/],
    ['missing proposer', ['propose', '--tenant', TENANT, '--action', 'x', '--params', '{}'], /--by ACTOR .* is required/],
    ['empty proposer', ['propose', '--tenant', TENANT, '--action', 'x', '--params', '{}', '--by', ' '], /--by ACTOR .* is required/],
    ['bad target', [...PROPOSE, '--target', 'pump-1'], /--target must be Type\/id.*got "pump-1"/],
    ['unknown option', [...PROPOSE, '--force'], /propose: Unknown option '--force'/],
    ['stray argument', [...PROPOSE, 'extra'], /propose: unexpected argument "extra"/],
    ['empty idempotency key', [...PROPOSE, '--idempotency-key', ''], /--idempotency-key must be 1 to 256 characters/],
    ['approve without proposal id', ['approve', '--tenant', TENANT, '--as', 'a', '--roles', 'approver'], /approve needs the proposal id/],
    ['proposal id not a UUID', ['approve', 'latest', '--tenant', TENANT, '--as', 'a', '--roles', 'approver'], /the proposal id must be a UUID, got "latest"/],
    ['approve without tenant', ['approve', PROPOSAL, '--as', 'a'], /--tenant UUID is required/],
    ['approve without actor', ['approve', PROPOSAL, '--tenant', TENANT, '--roles', 'approver'], /--as ACTOR \(who approves\) is required/],
    ['approve without roles', ['approve', PROPOSAL, '--tenant', TENANT, '--as', 'a'], /--roles ROLE\[,ROLE\] is required for approve/],
    ['empty role', ['approve', PROPOSAL, '--tenant', TENANT, '--as', 'a', '--roles', 'approver,'], /--roles must be a comma-separated list of role names/],
    ['hash not sha256 hex', ['approve', PROPOSAL, '--tenant', TENANT, '--as', 'a', '--roles', 'approver', '--hash', HASH.toUpperCase()], /--hash must be the binding hash, 64 lowercase hex/],
    ['hash on reject', ['reject', PROPOSAL, '--tenant', TENANT, '--as', 'a', '--roles', 'approver', '--hash', HASH], /--hash is for approve only/],
    ['bad database URL', ['show', PROPOSAL, '--tenant', TENANT, '--database-url', 'not a url'], /--database-url is not a valid URL/],
  ];
  for (const [name, args, message] of cases) {
    const error = refusal(t, args);
    t.match(error?.message, message, name);
    t.match(error?.message, /usage: l3 actions propose/, `${name}: the usage follows`);
  }
});

t.test('targets are Type/id: the id is everything after the first slash', async (t) => {
  t.same(parseTarget('Pump/pump-1-1-1'), { objectType: 'Pump', objectId: 'pump-1-1-1' });
  t.same(parseTarget('WorkOrder/orders/2026/WO-1'), { objectType: 'WorkOrder', objectId: 'orders/2026/WO-1' });
  for (const bad of ['Pump', 'Pump/', '/pump-1', '1Pump/x', 'Pu mp/x', `Pump/${'x'.repeat(513)}`]) {
    t.throws(() => parseTarget(bad), { code: 'USAGE' }, JSON.stringify(bad.slice(0, 20)));
  }
});

t.test('parameters must be a JSON object', async (t) => {
  t.same(parseParameters('{"status":"stopped","n":[1,2]}'), { status: 'stopped', n: [1, 2] });
  t.same(parseParameters(' {} '), {});
  for (const [text, message] of [
    ['', /not valid JSON/],
    ['{"a":', /not valid JSON/],
    ['null', /got null/],
    ['"text"', /got a string/],
    ['42', /got a number/],
    ['[]', /got an array/],
  ] as const) {
    t.throws(() => parseParameters(text), { code: 'USAGE', message }, JSON.stringify(text));
  }
});

t.test('a proposal with an idempotency key always gets the same id; without one, a fresh id that is also its key', async (t) => {
  const input = { tenantId: TENANT, actionType: 'set_pump_status', actionTypeVersion: null, targets: [{ objectType: 'Pump', objectId: 'p1' }], parameters: { status: 'stopped' }, proposedBy: 'me', rationale: '' };
  const first = newProposal({ ...input, idempotencyKey: 'demo' }, 1_000);
  const again = newProposal({ ...input, idempotencyKey: 'demo' }, 2_000);
  t.equal(first.proposalId, again.proposalId, 'a retried proposal names the proposal the processor kept');
  t.not(first.eventId, again.eventId, 'each send is its own event');
  t.equal(first.proposalId, proposalIdFor(TENANT.toUpperCase(), 'demo'), 'tenant case does not matter');
  t.equal(first.proposalId, nameBasedUuid(PROPOSAL_ID_NAMESPACE, JSON.stringify([TENANT, 'demo'])));
  t.not(proposalIdFor(TENANT, 'other'), first.proposalId);
  t.not(proposalIdFor('00000000-0000-4000-8000-000000000001', 'demo'), first.proposalId, 'keys are per tenant');
  t.match(first, { idempotencyKey: 'demo', parameters: '{"status":"stopped"}', actionTypeVersion: null, expiresAt: null, occurredAt: 1_000 });

  const unkeyed = newProposal(input);
  t.equal(unkeyed.idempotencyKey, unkeyed.proposalId);
  t.not(newProposal(input).proposalId, unkeyed.proposalId);
});

t.test('a decision carries the actor, the roles and the hash (null when not given)', async (t) => {
  const approve = newDecision({ tenantId: TENANT, proposalId: PROPOSAL, decision: 'APPROVE', actor: 'alice', roles: ['approver'], bindingHash: HASH }, 5);
  t.match(approve, { tenantId: TENANT, proposalId: PROPOSAL, decision: 'APPROVE', actor: 'alice', actorRoles: ['approver'], bindingHash: HASH, reason: null, occurredAt: 5 });
  const cancel = newDecision({ tenantId: TENANT, proposalId: PROPOSAL, decision: 'CANCEL', actor: 'me', roles: [], reason: 'wrong pump' });
  t.match(cancel, { bindingHash: null, reason: 'wrong pump', actorRoles: [] });
});

t.test('show renders state, blast radius, hash, approvals (whether they count) and the audit trail', async (t) => {
  const at = new Date('2026-11-27T16:00:00.000Z');
  const view: ProposalView = {
    proposalId: PROPOSAL,
    actionType: 'decommission_pump',
    actionTypeVersion: 1,
    state: 'PENDING_APPROVAL',
    stateReason: 'needs 2 approval(s) for HIGH',
    blastRadius: 'HIGH',
    bindingHash: HASH,
    proposedBy: 'agent:planner',
    rationale: 'beyond repair',
    parameters: { reason: 'impeller cracked' },
    targets: [{ objectType: 'Pump', objectId: 'pump-1-1-1' }],
    affected: [{ objectType: 'Pump', objectId: 'pump-1-1-1', version: 1 }],
    expiresAt: new Date('2026-11-29T16:00:00.000Z'),
    createdAt: at,
    updatedAt: at,
    approvals: [
      { approver: 'alice', roles: ['approver'], bindingHash: HASH, decidedAt: at, expiresAt: new Date('2026-11-28T04:00:00.000Z') },
      { approver: 'carol', roles: ['approver'], bindingHash: 'f'.repeat(64), decidedAt: at, expiresAt: new Date('2026-11-28T04:00:00.000Z') },
    ],
  };
  const text = renderProposal(
    view,
    [
      { seq: 1, eventType: 'ACTION_TRANSITION', event: { from: null, to: 'PROPOSED', actor: 'agent:planner', reason: 'beyond repair' }, occurredAt: at },
      { seq: 4, eventType: 'ACTION_REFUSED', event: { command: 'APPROVE', actor: 'agent:planner', code: 'SELF_APPROVAL', reason: 'proposer' }, occurredAt: at },
      { seq: 5, eventType: 'APPROVAL_RECORDED', event: { approver: 'alice', roles: ['approver'] }, occurredAt: at },
    ],
    at.getTime(),
  );
  t.match(text, /state +PENDING_APPROVAL \(needs 2 approval\(s\) for HIGH\), expires 2026-11-29T16:00:00.000Z/);
  t.match(text, /blast radius +HIGH/);
  t.match(text, new RegExp(`binding hash +${HASH}`));
  t.match(text, /affected +Pump\/pump-1-1-1 v1/);
  t.match(text, /alice \[approver\] .*counts until/);
  t.match(text, /carol \[approver\] .*for an older hash: does not count/);
  t.match(text, /seq 1 .*created -> PROPOSED by agent:planner: beyond repair/);
  t.match(text, /seq 4 .*REFUSED APPROVE by agent:planner: SELF_APPROVAL: proposer/);
  t.match(text, /seq 5 .*approval recorded: alice \[approver\]/);
});

t.test('the command line exits 2 before any network: no Kafka, registry or database is reachable here', async (t) => {
  const unreachable = { KAFKA_BROKERS: '127.0.0.1:9', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:9', L3_PG_ADMIN_URL: 'postgres://nobody@127.0.0.1:9/none' };
  for (const [args, message] of [
    [['propose', '--action', 'set_pump_status', '--params', '{}', '--by', 'me'], /--tenant UUID is required/],
    [['propose', '--tenant', TENANT, '--action', 'set_pump_status', '--target', 'Pump', '--params', '{}', '--by', 'me'], /--target must be Type\/id/],
    [['propose', '--tenant', TENANT, '--action', 'set_pump_status', '--params', '{oops', '--by', 'me'], /--params is not valid JSON/],
    [['approve', 'nope', '--tenant', TENANT, '--as', 'a', '--roles', 'approver'], /the proposal id must be a UUID/],
  ] as const) {
    const run = await l3(['actions', ...args], unreachable);
    t.equal(run.status, 2, `exit 2: ${args.join(' ')}`);
    t.match(run.stderr, /^l3: error \[USAGE\]: /);
    t.match(run.stderr, message);
    t.equal(run.stdout, '');
  }
  const help = await l3(['actions', '--help'], unreachable);
  t.equal(help.status, 0);
  t.match(help.stdout, /usage: l3 actions propose/);
});

function l3(args: readonly string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(projectRoot, 'cli/main.ts'), ...args], { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}
