// Errors the command line reports as a message and an exit status (no stack trace).

export const CliErrorCode = {
  USAGE: 'USAGE',
  INCOMPATIBLE_SCHEMA: 'INCOMPATIBLE_SCHEMA',
  GENERATED_DRIFT: 'GENERATED_DRIFT',
  TESTS_FAILED: 'TESTS_FAILED',
  REGISTRY: 'REGISTRY',
  KAFKA: 'KAFKA',
  PROCESSOR: 'PROCESSOR',
  ONTOLOGY_INVALID: 'ONTOLOGY_INVALID',
  AUDIT_CHAIN_BROKEN: 'AUDIT_CHAIN_BROKEN',
  AUDIT_CHAIN_EMPTY: 'AUDIT_CHAIN_EMPTY',
  AUDIT_CHECKPOINT_INVALID: 'AUDIT_CHECKPOINT_INVALID',
  AUDIT_DATABASE: 'AUDIT_DATABASE',
} as const;
export type CliErrorCode = (typeof CliErrorCode)[keyof typeof CliErrorCode];

export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly exitStatus: number;

  constructor(code: CliErrorCode, message: string, options: { exitStatus?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.code = code;
    this.exitStatus = options.exitStatus ?? (code === 'USAGE' ? 2 : 1);
  }
}
