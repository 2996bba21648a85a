// Where mutations put their commands: one idempotent Kafka producer per gateway (acks=all,
// enable.idempotence, so a retried send after a lost ack is not written twice), connected on the
// first command and disconnected when the app closes. Tests may pass another sink.
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { Logger } from '../../runtime/logger.ts';
import { GatewayError } from '../errors.ts';

/** One Kafka record: key `${tenantId}:${proposalId}`, the Avro value, headers (traceparent). */
export interface CommandMessage {
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

export interface CommandSink {
  /** Resolves once the broker acknowledged the record (acks=all). */
  send(topic: string, message: CommandMessage): Promise<void>;
  close(): Promise<void>;
}

export function kafkaCommandSink(brokers: readonly string[], logger: Logger): CommandSink {
  let connecting: Promise<KafkaJS.Producer> | undefined;
  let closed = false;
  const connect = async (): Promise<KafkaJS.Producer> => {
    // Imported on first use: a gateway that never receives a mutation never loads the native client.
    const { KafkaJS } = await import('@confluentinc/kafka-javascript');
    const kafka = new KafkaJS.Kafka({ kafkaJS: { brokers: [...brokers], clientId: 'l3-gateway', logLevel: KafkaJS.logLevel.ERROR } });
    const producer = kafka.producer({ kafkaJS: { idempotent: true, acks: -1 } });
    await producer.connect();
    return producer;
  };
  const producer = (): Promise<KafkaJS.Producer> => {
    if (connecting === undefined) {
      connecting = connect();
      // A failed connection is retried by the next command, not cached.
      connecting.catch(() => (connecting = undefined));
    }
    return connecting;
  };
  return {
    async send(topic, message) {
      if (closed) throw new GatewayError('INTERNAL', 'the gateway is shutting down; the command was not sent');
      try {
        await (await producer()).send({ topic, messages: [{ key: message.key, value: message.value, headers: { ...message.headers } }] });
      } catch (error) {
        throw new GatewayError('INTERNAL', `the command could not be sent to ${topic}; nothing was accepted, sending again is safe`, { cause: error });
      }
    },
    async close() {
      closed = true;
      const pending = connecting;
      connecting = undefined;
      if (pending === undefined) return;
      try {
        await (await pending).disconnect();
      } catch (error) {
        logger.warn({ err: error }, 'disconnecting the command producer failed');
      }
    },
  };
}
