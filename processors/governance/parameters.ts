// ActionProposed.parameters against the tool's parametersSchema (JSON Schema draft 2020-12), with
// the same ajv options the ontology CLI used to accept the schema (ontology/validate-ontology.ts):
// strict mode, the standard formats, union types allowed. A proposal whose parameters fail is
// REJECTED with these messages, so they name the parameter (`parameters/priority must be <= 5`).
//
// Compiling a schema costs far more than validating with it, and every proposal of a tool
// brings the same schema: compiled validators are cached by the schema object (a tool held in
// memory) and by its canonical JSON text (the same schema read again from the catalog as a new
// object). Tool versions are immutable and few, so the text cache is not bounded.
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { canonicalJson } from '../../runtime/canonical-json.ts';

export type ParametersValidation = { ok: true } | { ok: false; errors: string[] };

type Validate = (parameters: unknown) => ParametersValidation;

const byObject = new WeakMap<object, Validate>();
const byText = new Map<string, Validate>();

export function validateParameters(schema: object, parameters: unknown): ParametersValidation {
  return validatorFor(schema)(parameters);
}

function validatorFor(schema: object): Validate {
  const cached = byObject.get(schema);
  if (cached) return cached;
  let text: string | undefined;
  try {
    text = canonicalJson(schema);
  } catch {
    // Not JSON (cannot come from the catalog's jsonb); compile it, just without the text cache.
  }
  const validate = (text === undefined ? undefined : byText.get(text)) ?? compile(schema);
  byObject.set(schema, validate);
  if (text !== undefined) byText.set(text, validate);
  return validate;
}

function compile(schema: object): Validate {
  // A fresh ajv per schema, as the CLI does: one tool's `$id` or `$defs` cannot clash with
  // another's, and a schema that fails to compile leaves nothing behind.
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  addFormats.default(ajv);
  try {
    const validate = ajv.compile(schema);
    return (parameters) => (validate(parameters) ? { ok: true } : { ok: false, errors: (validate.errors ?? []).map(describe) });
  } catch (error) {
    // The catalog only holds schemas the CLI compiled, so this is a catalog problem; refusing
    // the proposal (rather than throwing) keeps one bad tool from stopping the processor.
    const message = `the tool's parametersSchema does not compile: ${(error as Error).message}`;
    return () => ({ ok: false, errors: [message] });
  }
}

function describe(error: ErrorObject): string {
  const path = `parameters${error.instancePath}`;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${path} must not have the property "${String(params.additionalProperty)}"`;
    case 'enum':
      return `${path} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `${path} must be ${JSON.stringify(params.allowedValue)}`;
    default:
      return `${path} ${error.message ?? 'is invalid'}`;
  }
}
