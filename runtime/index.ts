// The shared runtime of the L3 processes: logging, metrics, health endpoints, shutdown, retries
// and trace context. Nothing here reads process.env or knows a processor; each deployable's
// config.ts passes the values in.
export { LOG_LEVELS, createLogger, isLogLevel, serializeError } from './logger.ts';
export type { LogLevel, Logger, LoggerOptions } from './logger.ts';

export { createProcessorMetrics } from './metrics.ts';
export type { ProcessorMetrics } from './metrics.ts';

export { buildHealthServer, runReadinessChecks, startHealthServer } from './health-server.ts';
export type {
  HealthServer,
  HealthServerOptions,
  Readiness,
  ReadinessCheck,
  ReadinessProbe,
  ReadinessReport,
  ReadinessResponse,
  StartHealthServerOptions,
} from './health-server.ts';

export { onShutdown } from './shutdown.ts';
export type { Shutdown, ShutdownHook, ShutdownOptions, SignalSource } from './shutdown.ts';

export { DEFAULT_DELAY_OPTIONS, computeDelay, isTransientKafkaError, isTransientPostgresError, retryWithBackoff } from './backoff.ts';
export type { DelayOptions, RetryOptions } from './backoff.ts';

export {
  TRACEPARENT_HEADER,
  childTraceparent,
  formatTraceparent,
  newTraceparent,
  parseTraceparent,
  traceparentFromHeaders,
} from './trace-context.ts';
export type { KafkaHeaderValue, KafkaHeaders, TraceContext } from './trace-context.ts';
