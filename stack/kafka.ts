// Apache Kafka 4.x as a single-node KRaft broker+controller, run with `java -cp` from the Maven
// Central artifacts. Replication settings are 1 so transactions and consumer groups work on one
// broker (the transaction state log otherwise waits for 3 replicas forever).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackConfig } from './config.ts';
import { StackError } from './errors.ts';
import { isOurs, readPidRecord, removeFile, run, runOrThrow, startDetached, stopProcess, writePidRecord } from './process-control.ts';
import { isListening } from './ports.ts';
import type { Service } from './service.ts';

export class KafkaService implements Service {
  readonly name = 'kafka';
  readonly ports: readonly number[];
  readonly logFile: string;
  readonly #config: StackConfig;
  readonly #libsDir: string;
  readonly #dataDir: string;
  readonly #pidFile: string;
  readonly #marker: string;
  #logOffsetAtStart = 0;

  constructor(config: StackConfig) {
    this.#config = config;
    this.ports = [config.ports.kafka, config.ports.kafkaController];
    this.logFile = join(config.logsDir, 'kafka.log');
    this.#libsDir = join(config.toolsDir, `kafka-${config.versions.kafka}`, 'libs');
    this.#dataDir = join(config.dataDir, 'kafka');
    this.#pidFile = join(config.runDir, 'kafka.pid');
    this.#marker = `-Dl3.stack.service=${join(config.stackDir, 'kafka')}`;
  }

  async install(): Promise<void> {
    const version = this.#config.versions.kafka;
    if (existsSync(join(this.#libsDir, `kafka_2.13-${version}.jar`))) return;
    mkdirSync(this.#libsDir, { recursive: true });
    runOrThrow(`mvn: resolving org.apache.kafka:kafka_2.13:${version}`, 'mvn', [
      '-q', '-B', '-f', join(this.#config.projectRoot, 'stack', 'maven', 'kafka', 'pom.xml'),
      `-Dkafka.version=${version}`, 'dependency:copy-dependencies', `-DoutputDirectory=${this.#libsDir}`,
    ]);
  }

  runningPid(): number | undefined {
    const record = readPidRecord(this.#pidFile);
    return isOurs(record) ? record.pid : undefined;
  }

  async isReady(): Promise<boolean> {
    if (this.runningPid() === undefined) return false;
    if (!(await isListening(this.#config.host, this.#config.ports.kafka))) return false;
    // The port opens before the broker has caught up with the metadata log; this line comes after.
    return this.#logSinceStart().includes('Kafka Server started');
  }

  async start(): Promise<void> {
    mkdirSync(this.#dataDir, { recursive: true });
    const properties = join(this.#dataDir, 'server.properties');
    writeFileSync(properties, this.#serverProperties());
    if (!existsSync(join(this.#dataDir, 'log', 'meta.properties'))) {
      // KRaft storage must be formatted once with a cluster id (22 characters of base64url).
      const clusterId = randomBytes(16).toString('base64url');
      runOrThrow('formatting the Kafka KRaft storage', 'java', [
        ...this.#jvmLogging(), '-cp', join(this.#libsDir, '*'), 'kafka.tools.StorageTool',
        'format', '-t', clusterId, '-c', properties,
      ], { logFile: this.logFile });
    }
    this.#logOffsetAtStart = existsSync(this.logFile) ? statSync(this.logFile).size : 0;
    const pid = startDetached({
      command: 'java',
      args: [
        this.#marker, '-Xms256m', '-Xmx768m', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20',
        '-Djava.awt.headless=true', ...this.#jvmLogging(),
        '-cp', join(this.#libsDir, '*'), 'kafka.Kafka', properties,
      ],
      logFile: this.logFile,
      cwd: this.#dataDir,
    });
    writePidRecord(this.#pidFile, { pid, marker: this.#marker });
  }

  async stop(): Promise<void> {
    const record = readPidRecord(this.#pidFile);
    if (record) await stopProcess(record, 60_000);
    removeFile(this.#pidFile);
  }

  #jvmLogging(): string[] {
    return [`-Dlog4j2.configurationFile=${join(this.#config.projectRoot, 'stack', 'conf', 'kafka-log4j2.properties')}`];
  }

  #logSinceStart(): string {
    if (!existsSync(this.logFile)) return '';
    const text = readFileSync(this.logFile);
    return text.subarray(this.#logOffsetAtStart).toString('utf8');
  }

  #serverProperties(): string {
    const { host, ports } = this.#config;
    return [
      '# Written by stack/kafka.ts on every start; edit that file, not this one.',
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@${host}:${ports.kafkaController}`,
      `listeners=PLAINTEXT://${host}:${ports.kafka},CONTROLLER://${host}:${ports.kafkaController}`,
      `advertised.listeners=PLAINTEXT://${host}:${ports.kafka}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      `log.dirs=${join(this.#dataDir, 'log')}`,
      'num.partitions=3',
      'default.replication.factor=1',
      'min.insync.replicas=1',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=10',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'transaction.state.log.num.partitions=10',
      'share.coordinator.state.topic.replication.factor=1',
      'share.coordinator.state.topic.min.isr=1',
      // Topics come from the contracts' catalog (l3 topics create), never from a typo in a client.
      'auto.create.topics.enable=false',
      // Tests start consumers often; the default 3 s delay before the first rebalance is dead time.
      'group.initial.rebalance.delay.ms=0',
      'log.retention.hours=168',
      '',
    ].join('\n');
  }
}

/** Java must be 17 or newer for Kafka 4 and Apicurio 3. */
export function assertJava17(): void {
  const result = run('java', ['-version']);
  const match = /version "(\d+)/.exec(result.stderr + result.stdout);
  const major = match ? Number(match[1]) : 0;
  if (major < 17) {
    throw new StackError('MISSING_TOOL', `Java 17 or newer is needed for Kafka and the registry; found: ${(result.stderr || 'none').split('\n')[0]}`);
  }
}
