// The materializer as the benchmark's floor measurement runs it: the product's process and batch
// handler (same configuration, same transactions, same offsets in Postgres), except that applied
// changes go to a DirectChangePublisher instead of the outbox, and the relay is off. See
// direct-change-publisher.ts for why this is a measurement and never a product.
//   node loadtest/support/materializer-floor.ts   (configuration: processors/materializer/config.ts)
import { readContractSchema } from '../../contracts/registry/schema-files.ts';
import { topicCatalog } from '../../contracts/topics.ts';
import { loadMaterializerConfig } from '../../processors/materializer/config.ts';
import { materializerProcessor } from '../../processors/materializer/processor.ts';
import { loadConfigOrExit, runProcessor } from '../../runtime/processor-host.ts';
import { DirectChangePublisher } from './direct-change-publisher.ts';

const config = loadConfigOrExit('materializer', () => loadMaterializerConfig());
if (config.relay) {
  console.error('materializer-floor: MATERIALIZER_RELAY must be off (this measurement publishes without the outbox)');
  process.exit(2);
}

await runProcessor(
  materializerProcessor(config, ({ serde, metrics, logger, shutdown }) => {
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
  }),
);
