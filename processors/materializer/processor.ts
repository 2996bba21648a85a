// The materializer as runProcessor runs it: what it consumes and its batch handler. Shared by its
// entry point (main.ts) and the benchmark's floor measurement (loadtest/support/materializer-floor.ts),
// so the floor runs exactly the product's process but for where applied changes go.
import type { ProcessorDefinition, ProcessorParts } from '../../runtime/processor-host.ts';
import type { MaterializerConfig } from './config.ts';
import { createMaterializeBatch, type MaterializerDeps } from './materialize-batch.ts';

/** `recordChanges`: replaces the outbox (the floor measurement only; see MaterializerDeps). */
export function materializerProcessor(
  config: MaterializerConfig,
  recordChanges?: (parts: ProcessorParts) => NonNullable<MaterializerDeps['recordChanges']>,
): ProcessorDefinition {
  return {
    name: 'materializer',
    config,
    consumes: [config.topics.typedefs, config.topics.objects, config.topics.links],
    createHandler: (parts) =>
      createMaterializeBatch({
        serde: parts.serde,
        topics: { typedefs: config.topics.typedefs, objects: config.topics.objects, links: config.topics.links },
        changesTopic: config.topics.ontologyChanges,
        metrics: parts.metrics,
        ...(recordChanges ? { recordChanges: recordChanges(parts) } : {}),
      }),
  };
}
