// Reads the value schemas under contracts/avro/ (the source of truth the generated types mirror).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isAvroRecordSchema, type AvroRecordSchema } from '../serde/avro-schema.ts';

const AVRO_DIR = fileURLToPath(new URL('../avro/', import.meta.url));

export function readSchemaFile(path: string): AvroRecordSchema {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!isAvroRecordSchema(parsed)) throw new TypeError(`${path} is not an Avro record schema`);
  return parsed;
}

/** A schema of the catalog by its file name, e.g. `ObjectChange.avsc`. */
export function readContractSchema(schemaFile: string): AvroRecordSchema {
  return readSchemaFile(`${AVRO_DIR}${schemaFile}`);
}
