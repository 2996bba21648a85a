// The ontology materializer process: L2 object/link events and type definitions -> Postgres,
// exactly once, with the outbox relay publishing l3.ontology.changes.v1 (docs/adr/0004).
//   node processors/materializer/main.ts      (configuration: processors/materializer/config.ts)
import { loadConfigOrExit, runProcessor } from '../../runtime/processor-host.ts';
import { loadMaterializerConfig } from './config.ts';
import { materializerProcessor } from './processor.ts';

const config = loadConfigOrExit('materializer', () => loadMaterializerConfig());

await runProcessor(materializerProcessor(config));
