// gateway/config.ts, the variables of mutations and subscriptions: Kafka and the registry come
// together or not at all, topic overrides and the wait deadline are read and validated.
import t from 'tap';
import { ConfigError, loadGatewayConfig } from '../../gateway/config.ts';

const BASE = { DATABASE_URL: 'postgres://l3_gateway:pw@127.0.0.1:55432/l3', JWT_SECRET: 's'.repeat(32), GATEWAY_MODE: 'development' };

t.test('without KAFKA_BROKERS and SCHEMA_REGISTRY_URL there are no commands', async (t) => {
  t.equal(loadGatewayConfig(BASE).commands, undefined);
});

t.test('Kafka, registry, topic overrides and the wait deadline are read', async (t) => {
  const config = loadGatewayConfig({
    ...BASE,
    KAFKA_BROKERS: '127.0.0.1:59092,127.0.0.1:59093',
    SCHEMA_REGISTRY_URL: 'http://127.0.0.1:58081/apis/ccompat/v7',
    L3_TOPIC_PROPOSALS: 'dev.proposals',
    L3_TOPIC_ACTION_LIFECYCLE: 'dev.lifecycle',
    GATEWAY_WAIT_TIMEOUT_MS: '2500',
  });
  t.same(config.commands?.kafkaBrokers, ['127.0.0.1:59092', '127.0.0.1:59093']);
  t.equal(config.commands?.schemaRegistryUrl, 'http://127.0.0.1:58081/apis/ccompat/v7');
  t.equal(config.commands?.topics.proposals, 'dev.proposals');
  t.equal(config.commands?.topics.decisions, 'l5.governance.decisions.v1');
  t.equal(config.commands?.topics.actionLifecycle, 'dev.lifecycle');
  t.equal(config.commands?.waitTimeoutMs, 2500);
  t.ok(Object.isFrozen(config.commands));
  t.equal(loadGatewayConfig({ ...BASE, KAFKA_BROKERS: '127.0.0.1:1', SCHEMA_REGISTRY_URL: 'http://r' }).commands?.waitTimeoutMs, 10_000, 'default 10 s');
});

t.test('a bad value names its variable', async (t) => {
  const cases: [Record<string, string>, string][] = [
    [{ KAFKA_BROKERS: '127.0.0.1:59092' }, 'SCHEMA_REGISTRY_URL'],
    [{ SCHEMA_REGISTRY_URL: 'http://r' }, 'KAFKA_BROKERS'],
    [{ KAFKA_BROKERS: 'nope', SCHEMA_REGISTRY_URL: 'http://r' }, 'KAFKA_BROKERS'],
    [{ KAFKA_BROKERS: '127.0.0.1:1', SCHEMA_REGISTRY_URL: 'ftp://r' }, 'SCHEMA_REGISTRY_URL'],
    [{ GATEWAY_WAIT_TIMEOUT_MS: '5' }, 'GATEWAY_WAIT_TIMEOUT_MS'],
    [{ L3_TOPIC_DECISIONS: 'bad name' }, 'L3_TOPIC_DECISIONS'],
  ];
  for (const [env, variable] of cases) {
    let thrown: unknown;
    try {
      loadGatewayConfig({ ...BASE, ...env });
    } catch (error) {
      thrown = error;
    }
    t.ok(thrown instanceof ConfigError && thrown.variable === variable, `${variable}: ${(thrown as Error | undefined)?.message}`);
  }
});
