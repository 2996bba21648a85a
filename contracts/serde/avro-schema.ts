// The minimal shape of an Avro record schema as parsed from a .avsc file.

export interface AvroRecordSchema {
  readonly type: 'record';
  readonly name: string;
  readonly namespace?: string;
  readonly doc?: string;
  readonly fields: readonly unknown[];
}

export function isAvroRecordSchema(value: unknown): value is AvroRecordSchema {
  const candidate = value as Partial<AvroRecordSchema> | null;
  return typeof candidate === 'object' && candidate !== null && candidate.type === 'record' && typeof candidate.name === 'string' && Array.isArray(candidate.fields);
}
