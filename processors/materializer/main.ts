// The ontology materializer process: L2 object/link events and type definitions -> Postgres,
// exactly once, with the outbox relay publishing l3.ontology.changes.v1 (docs/adr/0004).
//   node processors/materializer/main.ts      (configuration: processors/materializer/config.ts)
import { loadConfigOrExit, runProcessor } from '../../runtime/processor-host.ts';
import { loadMaterializerConfig } from './config.ts';
import { createMaterializeBatch } from './materialize-batch.ts';

const config = loadConfigOrExit('materializer', () => loadMaterializerConfig());

await runProcessor({
  name: 'materializer',
  config,
  consumes: [config.topics.typedefs, config.topics.objects, config.topics.links],
  createHandler: ({ serde, metrics }) =>
    createMaterializeBatch({
      serde,
      topics: { typedefs: config.topics.typedefs, objects: config.topics.objects, links: config.topics.links },
      changesTopic: config.topics.ontologyChanges,
      metrics,
    }),
});
