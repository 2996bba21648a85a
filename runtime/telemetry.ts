// OpenTelemetry traces (ARCHITECTURE §8), exported over OTLP/HTTP to a collector. Off unless an
// endpoint is configured with the standard variables (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or
// OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces), and always off with OTEL_SDK_DISABLED=true; when off,
// the tracer is the API's no-op one and costs nothing.
//
// Spans continue the W3C trace context the project already carries (runtime/trace-context.ts):
// a gateway request's span is a child of its `traceparent` header; a processor batch's span
// links to the traceparent of every record in it (a batch mixes many traces, so links rather than
// one parent). Contexts are passed explicitly, so no global context manager is installed.
import { context, SpanStatusCode, trace, TraceFlags, type Attributes, type Context, type Link, type Span, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { parseTraceparent, type TraceContext } from './trace-context.ts';

export interface Telemetry {
  readonly enabled: boolean;
  readonly tracer: Tracer;
  /** Exports what is buffered (tests, and before exit). */
  flush(): Promise<void>;
  /** Flushes and stops exporting. */
  shutdown(): Promise<void>;
}

/** At most this many links per batch span (a batch can hold thousands of records). */
export const MAX_SPAN_LINKS = 128;

export const noTelemetry: Telemetry = Object.freeze({
  enabled: false,
  tracer: trace.getTracer('l3-disabled'),
  flush: async () => {},
  shutdown: async () => {},
});

export function telemetryEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  if ((env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true') return undefined;
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return undefined;
}

/** A tracer for `serviceName` exporting to the configured endpoint, or the no-op one. */
export function startTelemetry(serviceName: string, env: NodeJS.ProcessEnv = process.env): Telemetry {
  const url = telemetryEndpoint(env);
  if (url === undefined) return noTelemetry;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || serviceName, 'service.namespace': 'aix-l3' }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url }), scheduledDelayMillis: 1000 })],
  });
  return {
    enabled: true,
    tracer: provider.getTracer('aix-l3'),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/** A context whose (remote) parent is `traceparent`, or the empty context when it is invalid. */
export function contextFromTraceparent(traceparent: string | TraceContext | undefined | null): Context {
  const parsed = typeof traceparent === 'string' || traceparent == null ? parseTraceparent(traceparent) : traceparent;
  if (parsed === undefined) return context.active();
  return trace.setSpanContext(context.active(), {
    traceId: parsed.traceId,
    spanId: parsed.parentId,
    traceFlags: parsed.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  });
}

/** Links to the distinct valid traceparents given, at most MAX_SPAN_LINKS of them. */
export function linksTo(traceparents: Iterable<TraceContext | undefined>): Link[] {
  const links: Link[] = [];
  const seen = new Set<string>();
  for (const parsed of traceparents) {
    if (parsed === undefined) continue;
    const key = `${parsed.traceId}-${parsed.parentId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    links.push({ context: { traceId: parsed.traceId, spanId: parsed.parentId, traceFlags: parsed.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE, isRemote: true } });
    if (links.length === MAX_SPAN_LINKS) break;
  }
  return links;
}

/** Ends `span` with an error status and the error recorded. */
export function endWithError(span: Span, error: unknown, attributes: Attributes = {}): void {
  span.recordException(error instanceof Error ? error : new Error(String(error)));
  span.setAttributes(attributes);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  span.end();
}
