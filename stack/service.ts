// What the stack orchestrator needs from each embedded service.

export interface ServiceStatus {
  readonly name: string;
  readonly running: boolean;
  readonly pid: number | undefined;
  readonly ports: readonly number[];
  readonly logFile: string;
}

export interface Service {
  readonly name: string;
  /** Ports the service listens on; all must be free before it starts. */
  readonly ports: readonly number[];
  readonly logFile: string;
  /** Fetches and unpacks the service's binaries unless they are already there (cached). */
  install(): Promise<void>;
  /** The pid the stack recorded for this service, when that process is still ours. */
  runningPid(): number | undefined;
  /** Starts the process; returns once it is ready to serve. */
  start(): Promise<void>;
  /** True when the running service answers (not merely has a live pid). */
  isReady(): Promise<boolean>;
  stop(): Promise<void>;
}
