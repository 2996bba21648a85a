// A Kafka record as the processors see it, detached from the client library's types.

export interface RecordHeader {
  readonly key: string;
  readonly value: Buffer;
}

export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly RecordHeader[];
  readonly timestamp: number | undefined;
}

/** A record the processor refuses, with why; it goes to `<topic>.dlq` (ARCHITECTURE §5). */
export interface DeadLetter {
  readonly record: ConsumedRecord;
  /** A stable class such as UNKNOWN_TYPE or MALFORMED; becomes the `dlq.error.class` header. */
  readonly errorClass: string;
  readonly errorMessage: string;
}

export function headerValue(record: ConsumedRecord, name: string): string | undefined {
  const header = record.headers.find((h) => h.key.toLowerCase() === name.toLowerCase());
  return header?.value.toString('utf8');
}
