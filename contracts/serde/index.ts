export { AvroSerde, type DecodedValue } from './avro-serde.ts';
export { SerdeError, SerdeErrorCode } from './serde-error.ts';
export { isAvroRecordSchema, type AvroRecordSchema } from './avro-schema.ts';
