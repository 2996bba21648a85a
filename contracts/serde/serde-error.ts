// Errors of the Avro serde. `retryable` tells a processor whether to back off and retry (registry
// down) or to dead-letter the record (bytes that will never decode).

export const SerdeErrorCode = {
  MALFORMED: 'MALFORMED',
  UNKNOWN_SCHEMA: 'UNKNOWN_SCHEMA',
  REGISTRY_UNAVAILABLE: 'REGISTRY_UNAVAILABLE',
  SCHEMA_NOT_REGISTERED: 'SCHEMA_NOT_REGISTERED',
  INVALID_VALUE: 'INVALID_VALUE',
} as const;
export type SerdeErrorCode = (typeof SerdeErrorCode)[keyof typeof SerdeErrorCode];

export class SerdeError extends Error {
  readonly code: SerdeErrorCode;
  readonly retryable: boolean;

  constructor(code: SerdeErrorCode, message: string, options: { cause?: unknown; retryable: boolean }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SerdeError';
    this.code = code;
    this.retryable = options.retryable;
  }
}
