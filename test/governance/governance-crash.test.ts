// Exactly once under crashes, for governed actions: 1,000 proposals through Kafka (70% LOW
// set_pump_status, executed by policy; 30% HIGH decommission_pump, approved twice by an approver
// that watches Postgres and answers through Kafka, duplicates included) while the governance
// processor is SIGKILLed at random moments and restarted. Each proposal targets a pump of its own,
// so every one must end EXECUTED, once: each pump edited exactly once (version 1 -> 2), one
// ontology change per edit, one legal path of transitions per proposal, and a chain that verifies.
import type pg from 'pg';
import t from 'tap';
import type { ActionProposed } from '../../contracts/generated/action-proposed.ts';
import { ActionStateChangedSchema, type ActionStateChanged } from '../../contracts/generated/action-state-changed.ts';
import { OntologyChangedSchema, type OntologyChanged } from '../../contracts/generated/ontology-changed.ts';
import { canTransition, isActionState, isTerminal } from '../../processors/governance/action-states.ts';
import { verifyChain } from '../../runtime/audit/verify-chain.ts';
import {
  actionDecision,
  actionProposed,
  CommandProducer,
  createGovernanceEnvironment,
  GovernanceProcess,
  polled,
  proposalRows,
  readEvents,
  retried,
  siteOfPump,
  waitUntilIdle,
} from '../support/governance/governance-harness.ts';
import { waitFor } from '../support/materializer/harness.ts';
import { mulberry32 } from '../../runtime/seeded-random.ts';

const PROPOSALS = 1_000;
const KILLS = 10;
const PRODUCE_OVER_MS = 60_000;
/** An approver resends its approval when the proposal still waits after this long. */
const RESEND_AFTER_MS = 15_000;
const BATCH_SIZES = [10, 50, 200];
const seed = Number(process.env.L3_TEST_SEED ?? Date.now() % 1_000_000);

interface Planned {
  readonly pump: number;
  readonly event: ActionProposed;
  readonly kind: 'LOW' | 'HIGH';
  /** LOW: the status set; HIGH: the decommission reason. */
  readonly value: string;
}

const LOW_PATH = ['PROPOSED', 'SIMULATED', 'APPROVED', 'EXECUTING', 'EXECUTED'];
const HIGH_PATH = ['PROPOSED', 'SIMULATED', 'PENDING_APPROVAL', 'APPROVED', 'EXECUTING', 'EXECUTED'];

t.test(`${PROPOSALS} proposals each end EXECUTED once after ${KILLS} SIGKILLs of the governance processor (seed ${seed})`, async (t) => {
  const env = await createGovernanceEnvironment(t, { pumps: PROPOSALS });
  const random = mulberry32(seed);

  const planned: Planned[] = [];
  for (let pump = 1; pump <= PROPOSALS; pump++) {
    const target = { objectType: 'Pump', objectId: `p${pump}` };
    if (random() < 0.3) {
      const reason = `worn out, crash run pump ${pump}`;
      const event = actionProposed(env, { actionType: 'decommission_pump', parameters: { reason }, targets: [target, { objectType: 'Site', objectId: siteOfPump(pump) }] });
      planned.push({ pump, event, kind: 'HIGH', value: reason });
    } else {
      const status = random() < 0.5 ? 'stopped' : 'maintenance';
      planned.push({ pump, event: actionProposed(env, { actionType: 'set_pump_status', parameters: { status }, targets: [target] }), kind: 'LOW', value: status });
    }
  }
  const byId = new Map(planned.map((p) => [p.event.proposalId, p]));
  const highCount = planned.filter((p) => p.kind === 'HIGH').length;
  t.comment(`${PROPOSALS - highCount} LOW, ${highCount} HIGH`);

  const producer = await CommandProducer.connect(env, 'test-governance-crash');
  const approver = await CommandProducer.connect(env, 'test-governance-approver');
  t.teardown(async () => {
    await producer.close();
    await approver.close();
  });

  // Batch sizes vary per instance (the default 200 among them): a kill then lands before,
  // inside or after a commit, not always inside one long first batch.
  const batchSizes: number[] = [];
  const start = (name: string) => {
    const batchSize = BATCH_SIZES[Math.floor(random() * BATCH_SIZES.length)]!;
    batchSizes.push(batchSize);
    return GovernanceProcess.start(env, name, { GOVERNANCE_BATCH_SIZE: String(batchSize) });
  };
  let instance = start('crash-0');
  t.teardown(async () => {
    instance.kill('SIGKILL');
    await instance.exited;
  });

  // The approver: every PENDING_APPROVAL proposal gets APPROVE from alice and bob with its current
  // hash; again if it still waits a while later (a duplicate, as a person clicking twice would).
  let approving = true;
  const approvalsSent = new Map<string, number>();
  let decisionsSent = 0;
  const approverLoop = (async () => {
    while (approving) {
      const pending = await retried(() => proposalRows(env, 'PENDING_APPROVAL'));
      const due = pending.filter((p) => Date.now() - (approvalsSent.get(p.proposalId) ?? 0) > RESEND_AFTER_MS);
      if (due.length > 0) {
        await approver.decisions(
          due.flatMap((p) => ['alice', 'bob'].map((actor) => actionDecision(env, { proposalId: p.proposalId, decision: 'APPROVE', actor, bindingHash: p.bindingHash }))),
        );
        for (const p of due) approvalsSent.set(p.proposalId, Date.now());
        decisionsSent += due.length * 2;
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  })();
  t.teardown(async () => {
    approving = false;
    await approverLoop.catch(() => {});
  });

  let produced = false;
  const producing = (async () => {
    const chunk = 20;
    const started = Date.now();
    for (let i = 0; i < planned.length; i += chunk) {
      await producer.proposals(planned.slice(i, i + chunk).map((p) => p.event));
      const wait = started + (PRODUCE_OVER_MS * (i + chunk)) / planned.length - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })().finally(() => (produced = true));

  // At least KILLS kills, and on until every proposal is sent: the whole workload meets crashes.
  const killedAt: string[] = [];
  for (let kill = 1; kill <= KILLS || !produced; kill++) {
    // Kill only a member that holds its partitions, so each kill lands mid-processing.
    await instance.ready();
    await new Promise((resolve) => setTimeout(resolve, 300 + random() * 5_000));
    instance.kill('SIGKILL');
    await instance.exited;
    killedAt.push(await retried(() => progress(env.fixture.admin, env.tenantId)));
    instance = start(`crash-${kill}`);
  }
  await producing;
  await instance.ready();

  await waitFor(`all ${PROPOSALS} proposals to reach a terminal state`, polled(async () => {
    const { rows } = await env.fixture.admin.query<{ n: string }>(
      `SELECT count(*) AS n FROM action_proposals WHERE tenant_id = $1 AND state IN ('EXECUTED', 'FAILED', 'REJECTED', 'CANCELLED', 'EXPIRED', 'STALE')`,
      [env.tenantId],
    );
    return Number(rows[0]!.n) >= PROPOSALS;
  }), 600_000, 1_000);
  approving = false;
  await approverLoop;
  await waitUntilIdle(env, 600_000);
  t.ok(killedAt.length >= KILLS, `the processor was SIGKILLed ${killedAt.length} times`);
  t.comment(`at each kill (recorded/terminal): ${killedAt.join(', ')}; batch sizes ${batchSizes.join(', ')}`);
  const advanced = killedAt.filter((at, i) => i > 0 && at !== killedAt[i - 1]).length;
  t.ok(advanced >= 3, `the processor committed work between kills (${advanced} times), so the kills met it at different points`);
  t.comment(`approver sent ${decisionsSent} decisions for ${highCount} HIGH proposals`);

  // Every proposal: one row, terminal, EXECUTED.
  const rows = await proposalRows(env);
  t.equal(rows.length, PROPOSALS, 'one row per proposal');
  t.equal(new Set(rows.map((r) => r.proposalId)).size, PROPOSALS, 'no proposal id twice');
  t.ok(rows.every((r) => byId.has(r.proposalId)), 'only the proposals sent');
  t.ok(rows.every((r) => isActionState(r.state) && isTerminal(r.state)), 'every proposal is terminal');
  const notExecuted = rows.filter((r) => r.state !== 'EXECUTED');
  t.same(notExecuted.slice(0, 10).map((r) => `${r.proposalId} ${r.state}: ${r.stateReason}`), [], 'every proposal EXECUTED');

  // Each pump edited exactly once, as its action says.
  const pumps = await retried(() =>
    env.fixture.admin.query<{ external_id: string; version: string; properties: Record<string, unknown>; deleted: boolean; link_version: string | null; link_deleted: boolean | null }>(
      `SELECT o.external_id, o.version, o.properties, o.deleted_at IS NOT NULL AS deleted, l.version AS link_version, l.deleted_at IS NOT NULL AS link_deleted
       FROM objects o
       JOIN object_types t ON t.tenant_id = o.tenant_id AND t.id = o.object_type_id AND t.name = 'Pump'
       LEFT JOIN links l ON l.tenant_id = o.tenant_id AND l.from_object_id = o.id
       WHERE o.tenant_id = $1`,
      [env.tenantId],
    ),
  );
  const pumpOf = new Map(pumps.rows.map((r) => [r.external_id, r]));
  const pumpProblems: string[] = [];
  for (const p of planned) {
    const row = pumpOf.get(`p${p.pump}`);
    if (!row) {
      pumpProblems.push(`p${p.pump} is missing`);
      continue;
    }
    if (Number(row.version) !== 2 || row.deleted) pumpProblems.push(`p${p.pump} is v${row.version}${row.deleted ? ' (deleted)' : ''}, expected v2`);
    if (p.kind === 'LOW') {
      if (row.properties.status !== p.value) pumpProblems.push(`p${p.pump} status ${String(row.properties.status)}, expected ${p.value}`);
      if (Number(row.link_version) !== 1 || row.link_deleted) pumpProblems.push(`p${p.pump}'s installedAt link is v${row.link_version}${row.link_deleted ? ' (deleted)' : ''}, expected v1 live`);
    } else {
      if (row.properties.status !== 'decommissioned' || row.properties.decommissionReason !== p.value) pumpProblems.push(`p${p.pump} is ${JSON.stringify(row.properties)}, expected decommissioned`);
      if (Number(row.link_version) !== 2 || !row.link_deleted) pumpProblems.push(`p${p.pump}'s installedAt link is v${row.link_version}${row.link_deleted ? ' (deleted)' : ''}, expected v2 deleted`);
    }
    if (row.properties.serialNumber !== `SN-${p.pump}`) pumpProblems.push(`p${p.pump} lost its serial number`);
  }
  t.same(pumpProblems.slice(0, 20), [], 'each pump edited exactly once: version 2, status as the action set it');

  // One ontology change per edit of each executed proposal, in the outbox and on the topic.
  const expectedChanges = (p: Planned) =>
    p.kind === 'LOW' ? [`OBJECT:UPSERT:Pump/p${p.pump}`] : [`LINK:DELETE:installedAt/Pump/p${p.pump}/Site/${siteOfPump(p.pump)}`, `OBJECT:UPSERT:Pump/p${p.pump}`];
  const outbox = await retried(() =>
    env.fixture.admin.query<{ payload: OntologyChanged }>(`SELECT payload FROM outbox_messages WHERE tenant_id = $1 AND topic = $2 AND payload ? 'proposalId'`, [env.tenantId, env.topics.ontologyChanges]),
  );
  const outboxChanges = groupChanges(outbox.rows.map((r) => r.payload));
  const changes = await readEvents<OntologyChanged>(env.topics.ontologyChanges, OntologyChangedSchema);
  const topicChanges = groupChanges(changes.unique);
  const changeProblems: string[] = [];
  for (const p of planned) {
    const wanted = expectedChanges(p).join(', ');
    const inOutbox = (outboxChanges.get(p.event.proposalId) ?? []).sort().join(', ');
    const onTopic = (topicChanges.get(p.event.proposalId) ?? []).sort().join(', ');
    if (inOutbox !== wanted) changeProblems.push(`${p.event.proposalId} (p${p.pump}) outbox: [${inOutbox}], expected [${wanted}]`);
    if (onTopic !== wanted) changeProblems.push(`${p.event.proposalId} (p${p.pump}) topic: [${onTopic}], expected [${wanted}]`);
  }
  t.same(changeProblems.slice(0, 20), [], 'one ontology change per edit, with its proposal, once in the outbox and once on the topic (after dedup)');
  t.equal(outboxChanges.size, PROPOSALS, 'changes only for the proposals sent');
  t.comment(`changes topic: ${changes.unique.length} unique of ${changes.all} records (relay republished ${changes.all - changes.unique.length})`);

  // Each proposal's audited transitions: one legal path, from creation to EXECUTED.
  const audit = await retried(() => env.fixture.auditRows());
  const chain = verifyChain(audit);
  t.ok(chain.ok, `the tenant's audit chain verifies${chain.ok ? ` (${chain.length} events)` : `: seq ${chain.firstBadSeq}: ${chain.reason}`}`);
  const transitions = new Map<string, { from: unknown; to: unknown }[]>();
  for (const row of audit) {
    if (row.eventType !== 'ACTION_TRANSITION') continue;
    const id = String(row.event.proposalId);
    const list = transitions.get(id) ?? [];
    list.push({ from: row.event.from, to: row.event.to });
    transitions.set(id, list);
  }
  const lifecycle = await readEvents<ActionStateChanged>(env.topics.actionLifecycle, ActionStateChangedSchema);
  const published = new Map<string, string[]>();
  for (const event of lifecycle.unique.sort((a, b) => a.record.partition - b.record.partition || a.record.offset - b.record.offset)) {
    const list = published.get(event.proposalId) ?? [];
    list.push(event.to);
    published.set(event.proposalId, list);
  }
  const pathProblems: string[] = [];
  for (const p of planned) {
    const steps = transitions.get(p.event.proposalId) ?? [];
    const problem = illegalStep(steps);
    if (problem) pathProblems.push(`${p.event.proposalId}: ${problem}`);
    const path = steps.map((s) => String(s.to));
    const wanted = p.kind === 'LOW' ? LOW_PATH : HIGH_PATH;
    if (path.join('>') !== wanted.join('>')) pathProblems.push(`${p.event.proposalId} (${p.kind}) audited ${path.join('>')}, expected ${wanted.join('>')}`);
    const events = published.get(p.event.proposalId) ?? [];
    if (events.join('>') !== wanted.join('>')) pathProblems.push(`${p.event.proposalId} (${p.kind}) published ${events.join('>')}, expected ${wanted.join('>')}`);
  }
  t.same(pathProblems.slice(0, 20), [], 'each proposal went one legal path, audited once and published once (after dedup) per transition');
  t.equal(transitions.size, PROPOSALS, 'transitions only for the proposals sent');

  const dead = await retried(() => env.fixture.admin.query<{ n: string }>('SELECT count(*) AS n FROM dead_letters'));
  t.equal(Number(dead.rows[0]!.n), 0, 'nothing was dead-lettered');
});

/** How far the processor got: proposals recorded / proposals terminal. */
async function progress(admin: pg.Pool, tenantId: string): Promise<string> {
  const { rows } = await admin.query<{ recorded: string; terminal: string }>(
    `SELECT count(*) AS recorded, count(*) FILTER (WHERE state IN ('EXECUTED', 'FAILED', 'REJECTED', 'CANCELLED', 'EXPIRED', 'STALE')) AS terminal
     FROM action_proposals WHERE tenant_id = $1`,
    [tenantId],
  );
  return `${rows[0]!.recorded}/${rows[0]!.terminal}`;
}

/** proposalId -> ["<entityKind>:<op>:<entityId>", ...]. */
function groupChanges(changes: readonly OntologyChanged[]): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const change of changes) {
    if (!change.proposalId) continue;
    const list = grouped.get(change.proposalId) ?? [];
    list.push(`${change.entityKind}:${change.op}:${change.entityId}`);
    grouped.set(change.proposalId, list);
  }
  return grouped;
}

/** The first step of `steps` that is not a legal move from the one before, if any. */
function illegalStep(steps: readonly { from: unknown; to: unknown }[]): string | undefined {
  if (steps.length === 0) return 'no transitions audited';
  if (steps[0]!.from !== null || steps[0]!.to !== 'PROPOSED') return `starts ${String(steps[0]!.from)} -> ${String(steps[0]!.to)}, not at creation`;
  for (let i = 1; i < steps.length; i++) {
    const { from, to } = steps[i]!;
    if (from !== steps[i - 1]!.to) return `step ${i} leaves ${String(from)}, but the proposal was ${String(steps[i - 1]!.to)}`;
    if (!isActionState(from) || !isActionState(to) || !canTransition(from, to)) return `step ${i} ${String(from)} -> ${String(to)} is illegal`;
  }
  const last = steps.at(-1)!.to;
  return isActionState(last) && isTerminal(last) ? undefined : `ends in ${String(last)}, not a terminal state`;
}

