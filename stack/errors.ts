// Errors of the embedded stack manager. One table of codes; each error names its cause and,
// where there is one, the log file to read.

export const StackErrorCode = {
  BAD_CONFIG: 'BAD_CONFIG',
  MISSING_TOOL: 'MISSING_TOOL',
  PORT_TAKEN: 'PORT_TAKEN',
  INSTALL_FAILED: 'INSTALL_FAILED',
  START_FAILED: 'START_FAILED',
  STOP_FAILED: 'STOP_FAILED',
  NOT_RUNNING: 'NOT_RUNNING',
} as const;
export type StackErrorCode = (typeof StackErrorCode)[keyof typeof StackErrorCode];

export class StackError extends Error {
  readonly code: StackErrorCode;
  readonly logFile: string | undefined;

  constructor(code: StackErrorCode, message: string, options: { logFile?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StackError';
    this.code = code;
    this.logFile = options.logFile;
  }
}
