// Ontology as code: parse a tenant's YAML file, validate it, turn it into TypeDefChange records.
// Publishing (Kafka, registry) is in ./publish.ts, imported on its own so that validating needs no
// native Kafka client.
export type {
  Effect,
  LinkTypeSpec,
  ObjectRefSpec,
  ObjectTypeSpec,
  OntologyDataType,
  OntologyError,
  OntologyFile,
  PropertySpec,
  TargetRef,
  TargetSpec,
  TenantSpec,
  ToolSpec,
} from './ontology-file.ts';
export { API_NAME_PATTERN, PARAM_REF_PATTERN } from './ontology-file.ts';
export { parseOntology, type ParsedOntology } from './parse-ontology.ts';
export { ontologyDataTypes, validateOntology } from './validate-ontology.ts';
export { effectKinds, effectSchema, effectsSchema, ontologyEditKinds, toolEffectsDocumentSchema } from './effects-schema.ts';
export { toTypeDefChanges, type TypeDefChangeOptions } from './to-typedef-changes.ts';
export { nameBasedUuid, TYPEDEF_EVENT_NAMESPACE, typeDefEventId } from './deterministic-uuid.ts';
