// A materializer with a bad environment stops before touching anything, with exit status 78
// (EX_CONFIG, sysexits.h) and one stderr line naming the variable to fix; loadMaterializerConfig
// is also checked directly, as the pure function it is.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { defaultTopicNames } from '../../contracts/topics.ts';
import { ConfigError, loadMaterializerConfig } from '../../processors/materializer/config.ts';

const MAIN = join(import.meta.dirname, '../../processors/materializer/main.ts');

// Valid, but pointing nowhere: a configuration that passed would hang on connecting instead of
// exiting with 78, which the deadline below reports.
const VALID: Readonly<Record<string, string>> = {
  DATABASE_URL: 'postgres://l3_processor:secret@127.0.0.1:1/l3',
  KAFKA_BROKERS: '127.0.0.1:1',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1/apis/ccompat/v7',
  MATERIALIZER_HEALTH_PORT: '0',
};

interface Case {
  readonly what: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly variable: string;
  /** What else the message must say (the offending value, the rule). */
  readonly says: RegExp;
}

const CASES: readonly Case[] = [
  { what: 'DATABASE_URL missing', env: { DATABASE_URL: undefined }, variable: 'DATABASE_URL', says: /is required/ },
  { what: 'DATABASE_URL of another scheme', env: { DATABASE_URL: 'mysql://db/l3' }, variable: 'DATABASE_URL', says: /postgres/ },
  { what: 'KAFKA_BROKERS not host:port', env: { KAFKA_BROKERS: 'not a broker' }, variable: 'KAFKA_BROKERS', says: /not a broker/ },
  { what: 'MATERIALIZER_BATCH_SIZE of 0', env: { MATERIALIZER_BATCH_SIZE: '0' }, variable: 'MATERIALIZER_BATCH_SIZE', says: /"0"/ },
  { what: 'MATERIALIZER_BATCH_SIZE not an integer', env: { MATERIALIZER_BATCH_SIZE: 'lots' }, variable: 'MATERIALIZER_BATCH_SIZE', says: /"lots"/ },
  { what: 'LOG_LEVEL unknown', env: { LOG_LEVEL: 'loud' }, variable: 'LOG_LEVEL', says: /loud/ },
  { what: 'MATERIALIZER_COMMIT_MODE unknown', env: { MATERIALIZER_COMMIT_MODE: 'maybe' }, variable: 'MATERIALIZER_COMMIT_MODE', says: /maybe/ },
  { what: 'SCHEMA_REGISTRY_URL not a URL', env: { SCHEMA_REGISTRY_URL: 'registry' }, variable: 'SCHEMA_REGISTRY_URL', says: /not a valid URL/ },
];

const ILLEGAL_TOPIC = 'objects topic!';

function runMain(env: Readonly<Record<string, string | undefined>>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const merged: Record<string, string> = { PATH: process.env.PATH ?? '' };
  for (const [name, value] of Object.entries({ ...VALID, ...env })) if (value !== undefined) merged[name] = value;
  const child = spawn(process.execPath, [MAIN], { env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`main.ts did not exit on a bad configuration; stderr: ${stderr}; stdout: ${stdout}`));
    }, 60_000);
    child.once('close', (code) => {
      clearTimeout(deadline);
      resolve({ code, stderr, stdout });
    });
  });
}

t.test('main.ts exits with 78 and a stderr line naming the variable', async (t) => {
  for (const c of CASES) {
    await t.test(c.what, async (t) => {
      const { code, stderr, stdout } = await runMain(c.env);
      t.equal(code, 78, 'exit status 78 (EX_CONFIG)');
      t.match(stderr, /^materializer: invalid configuration: /, 'one line on stderr says the configuration is invalid');
      t.match(stderr, c.variable, `it names ${c.variable}`);
      t.match(stderr, c.says, 'and what is wrong with it');
      t.equal(stderr.trim().split('\n').length, 1, 'one line, no stack trace');
      t.equal(stdout, '', 'nothing on stdout: no logger was created');
    });
  }

  await t.test('L3_TOPIC_OBJECTS an illegal topic name', async (t) => {
    const { code, stderr } = await runMain({ L3_TOPIC_OBJECTS: ILLEGAL_TOPIC });
    t.equal(code, 78, 'exit status 78 (EX_CONFIG)');
    t.match(stderr, /^materializer: invalid configuration: /);
    t.match(stderr, ILLEGAL_TOPIC, 'it quotes the illegal name');
    t.match(stderr, /L3_TOPIC_/, 'it points at the topic variables');
    t.match(stderr, 'L3_TOPIC_OBJECTS', 'it names L3_TOPIC_OBJECTS');
  });
});

t.test('loadMaterializerConfig reads a complete environment into a frozen object with defaults', async (t) => {
  const config = loadMaterializerConfig({ ...VALID, KAFKA_BROKERS: 'a:9092, b:9093', MATERIALIZER_INSTANCE_ID: 'm-1' });
  t.ok(Object.isFrozen(config), 'frozen');
  t.same(config.kafkaBrokers, ['a:9092', 'b:9093'], 'brokers split and trimmed');
  t.equal(config.logLevel, 'info');
  t.equal(config.commitMode, 'exactly-once');
  t.equal(config.batchSize, 1000);
  t.equal(config.maxInFlight, 2, 'two batch transactions at once by default');
  t.equal(config.poolSize, 8);
  t.equal(config.groupId, 'l3-materializer');
  t.equal(config.instanceId, 'm-1');
  t.equal(config.healthPort, 0);
  t.equal(config.relay, true);
  t.same(config.topics, defaultTopicNames, 'the catalog topic names');

  const overridden = loadMaterializerConfig({
    ...VALID,
    LOG_LEVEL: 'debug',
    MATERIALIZER_COMMIT_MODE: 'at-least-once',
    MATERIALIZER_BATCH_SIZE: '50',
    MATERIALIZER_MAX_IN_FLIGHT: '4',
    MATERIALIZER_RELAY: 'off',
    L3_TOPIC_OBJECTS: 'dev.l2.ontology.objects.v1',
    L3_TOPIC_ONTOLOGY_CHANGES: 'dev.l3.ontology.changes.v1',
  });
  t.equal(overridden.logLevel, 'debug');
  t.equal(overridden.commitMode, 'at-least-once');
  t.equal(overridden.batchSize, 50);
  t.equal(overridden.maxInFlight, 4);
  t.equal(overridden.relay, false);
  t.equal(overridden.topics.objects, 'dev.l2.ontology.objects.v1');
  t.equal(overridden.topics.ontologyChanges, 'dev.l3.ontology.changes.v1', 'a camelCase key is L3_TOPIC_SNAKE_CASE');
});

t.test('loadMaterializerConfig throws a ConfigError naming the variable', async (t) => {
  const failure = (env: Readonly<Record<string, string | undefined>>): ConfigError => {
    try {
      loadMaterializerConfig({ ...VALID, ...env });
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error(`accepted ${JSON.stringify(env)}`);
  };
  for (const c of CASES) {
    const error = failure(c.env);
    t.equal(error.variable, c.variable, `${c.what}: variable`);
    t.match(error.message, c.variable, `${c.what}: the message starts with it`);
    t.match(error.message, c.says, `${c.what}: and says what is wrong`);
  }
  for (const [name, value] of [
    ['KAFKA_BROKERS', ''],
    ['KAFKA_BROKERS', 'a:9092,b'],
    ['MATERIALIZER_BATCH_SIZE', '100001'],
    ['MATERIALIZER_BATCH_SIZE', '1.5'],
    ['MATERIALIZER_RELAY', 'yes'],
    ['MATERIALIZER_HEALTH_PORT', '65536'],
    ['MATERIALIZER_DB_POOL_SIZE', '1'],
    ['MATERIALIZER_MAX_IN_FLIGHT', '0'],
    ['MATERIALIZER_MAX_IN_FLIGHT', '17'],
    ['MATERIALIZER_SESSION_TIMEOUT_MS', '1000'],
  ] as const) {
    t.equal(failure({ [name]: value }).variable, name, `${name}="${value}" is refused`);
  }
  const small = failure({ MATERIALIZER_MAX_IN_FLIGHT: '4', MATERIALIZER_DB_POOL_SIZE: '5' });
  t.equal(small.variable, 'MATERIALIZER_DB_POOL_SIZE', 'a pool too small for the batches in flight is refused');
  t.match(small.message, /at least MATERIALIZER_MAX_IN_FLIGHT \+ 2 \(6\), got 5/, 'naming the minimum');
  const topic = failure({ L3_TOPIC_OBJECTS: ILLEGAL_TOPIC });
  t.match(topic.message, ILLEGAL_TOPIC, 'an illegal topic name is refused, quoted');
  t.equal(topic.variable, 'L3_TOPIC_OBJECTS', 'and blamed on L3_TOPIC_OBJECTS');
  t.match(failure({ L3_TOPIC_LINKS: 'x.dlq' }).message, /\.dlq/, 'an input topic named like a dead-letter topic is refused');
  t.match(failure({ L3_TOPIC_LINKS: defaultTopicNames.objects }).message, /both resolve/, 'two keys on one topic are refused');
});
