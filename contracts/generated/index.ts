// GENERATED FROM contracts/avro/*.avsc by contracts/codegen — DO NOT EDIT.
// Regenerate with `node contracts/codegen/cli.ts`; CI runs it with --check.
// A type defined by several schemas (e.g. ChangeOp) is exported once, from the first module.

export {
  type ActionDecision,
  type Decision,
  DecisionSymbols,
  ActionDecisionSchemaFile,
  ActionDecisionSchema,
} from './action-decision.ts';

export {
  type ActionExecutionRequested,
  type ObjectRef,
  ActionExecutionRequestedSchemaFile,
  ActionExecutionRequestedSchema,
} from './action-execution-requested.ts';

export {
  type ActionProposed,
  ActionProposedSchemaFile,
  ActionProposedSchema,
} from './action-proposed.ts';

export {
  type ActionResult,
  type ResultStatus,
  ResultStatusSymbols,
  type ActionError,
  ActionResultSchemaFile,
  ActionResultSchema,
} from './action-result.ts';

export {
  type ActionStateChanged,
  type ActionState,
  ActionStateSymbols,
  type BlastRadius,
  BlastRadiusSymbols,
  ActionStateChangedSchemaFile,
  ActionStateChangedSchema,
} from './action-state-changed.ts';

export {
  type AuditEventAppended,
  AuditEventAppendedSchemaFile,
  AuditEventAppendedSchema,
} from './audit-event-appended.ts';

export {
  type LinkChange,
  type ChangeOp,
  ChangeOpSymbols,
  LinkChangeSchemaFile,
  LinkChangeSchema,
} from './link-change.ts';

export {
  type ObjectChange,
  ObjectChangeSchemaFile,
  ObjectChangeSchema,
} from './object-change.ts';

export {
  type OntologyChanged,
  type EntityKind,
  EntityKindSymbols,
  type LinkEnds,
  OntologyChangedSchemaFile,
  OntologyChangedSchema,
} from './ontology-changed.ts';

export {
  type TypeDefChange,
  type TypeDefKind,
  TypeDefKindSymbols,
  type ObjectTypeDef,
  type PropertyDef,
  type PropertyDataType,
  PropertyDataTypeSymbols,
  type LinkTypeDef,
  type Cardinality,
  CardinalitySymbols,
  type ToolDef,
  type EffectKind,
  EffectKindSymbols,
  TypeDefChangeSchemaFile,
  TypeDefChangeSchema,
} from './type-def-change.ts';
