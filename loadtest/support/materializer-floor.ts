// The materializer as the benchmark's floor measurements run it: the product's process (same
// configuration, same transactions, same offsets in Postgres), except that applied changes go to
// a DirectChangePublisher instead of the outbox, and the relay is off. See
// direct-change-publisher.ts for why this is a measurement and never a product.
//   FLOOR_HANDLER=product (the default): the product's batch handler, measurement (c);
//   FLOOR_HANDLER=bare: the least such a handler must do (bare-materialize-batch.ts), measurement (d).
//   node loadtest/support/materializer-floor.ts   (configuration: processors/materializer/config.ts)
import { readContractSchema } from '../../contracts/registry/schema-files.ts';
import { topicCatalog } from '../../contracts/topics.ts';
import { loadMaterializerConfig } from '../../processors/materializer/config.ts';
import { materializerProcessor } from '../../processors/materializer/processor.ts';
import { loadConfigOrExit, runProcessor, type ProcessorParts } from '../../runtime/processor-host.ts';
import { createBareMaterializeBatch } from './bare-materialize-batch.ts';
import { DirectChangePublisher } from './direct-change-publisher.ts';

const config = loadConfigOrExit('materializer', () => loadMaterializerConfig());
if (config.relay) {
  console.error('materializer-floor: MATERIALIZER_RELAY must be off (this measurement publishes without the outbox)');
  process.exit(2);
}
const handler = process.env.FLOOR_HANDLER ?? 'product';
if (handler !== 'product' && handler !== 'bare') {
  console.error(`materializer-floor: FLOOR_HANDLER must be "product" or "bare", got "${handler}"`);
  process.exit(2);
}

function directPublisher({ serde, metrics, logger, shutdown }: ProcessorParts): DirectChangePublisher['record'] {
  const publisher = new DirectChangePublisher({
    brokers: config.kafkaBrokers,
    clientId: `l3-materializer-floor-${config.instanceId}`,
    serde,
    schema: readContractSchema(topicCatalog.ontologyChanges.schemaFile),
    logger,
    metrics,
    onFatal: (error) => void shutdown.fatal(error),
  });
  // Registered before the consumer's hook, so it runs after it: the last batch's changes are sent.
  shutdown.register('direct change publisher', () => publisher.stop());
  return publisher.record;
}

const product = materializerProcessor(config, directPublisher);
await runProcessor(
  handler === 'product'
    ? product
    : {
        ...product,
        createHandler: (parts) =>
          createBareMaterializeBatch({
            serde: parts.serde,
            topics: { typedefs: config.topics.typedefs, objects: config.topics.objects, links: config.topics.links },
            changesTopic: config.topics.ontologyChanges,
            metrics: parts.metrics,
            publish: directPublisher(parts),
          }),
      },
);
