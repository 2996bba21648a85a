// The governance processor: ActionProposed, ActionDecision and ActionResult -> the action state
// machine of ARCHITECTURE §6 in Postgres, exactly once, audited, with lifecycle, audit and
// execution-request events through the outbox. A periodic sweep expires proposals.
//   node processors/governance/main.ts      (configuration: processors/governance/config.ts)
import { loadConfigOrExit, runProcessor } from '../../runtime/processor-host.ts';
import { ConfigError, loadGovernanceConfig } from './config.ts';
import { sweepExpiredProposals } from './expiry-sweep.ts';
import { createGovernanceBatch } from './governance-batch.ts';
import { loadPolicies, policyFor, type GovernancePolicy } from './policy.ts';

const config = loadConfigOrExit('governance', () => loadGovernanceConfig());
const policies = loadConfigOrExit('governance', () => {
  if (!config.policyDir) return new Map<string, GovernancePolicy>();
  try {
    return loadPolicies(config.policyDir);
  } catch (error) {
    throw new ConfigError('GOVERNANCE_POLICY_DIR', `holds an invalid policy: ${(error as Error).message}`);
  }
});
const policyOf = (tenantId: string) => policyFor(policies, tenantId);

await runProcessor({
  name: 'governance',
  config,
  consumes: [config.topics.proposals, config.topics.decisions, config.topics.actionResults],
  createHandler: ({ serde, metrics }) => createGovernanceBatch({ serde, topics: config.topics, metrics, policyFor: policyOf }),
  startExtras: ({ pool, metrics, logger }) => {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      sweepExpiredProposals({ pool, topics: config.topics, metrics, logger, policyFor: policyOf })
        .then((expired) => expired > 0 && logger.info({ expired }, 'proposals expired'))
        .catch((error: unknown) => logger.warn({ err: error }, 'expiry sweep failed; next round retries'))
        .finally(() => (running = false));
    }, config.expirySweepMs);
    return () => clearInterval(timer);
  },
});
