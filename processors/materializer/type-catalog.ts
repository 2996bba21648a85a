// A tenant's type definitions as the materializer needs them to validate a batch.
import type { Cardinality } from '../../contracts/generated/type-def-change.ts';
import type { PropertyDefinition } from './property-validation.ts';

export interface ObjectTypeEntry {
  readonly id: string;
  readonly name: string;
  readonly properties: readonly PropertyDefinition[];
}

export interface LinkTypeEntry {
  readonly id: string;
  readonly name: string;
  /** Read from the `from` side: MANY_TO_ONE is many pumps per site, one site per pump. */
  readonly cardinality: Cardinality;
  readonly fromTypeId: string;
  readonly toTypeId: string;
  readonly fromType: string;
  readonly toType: string;
  readonly properties: readonly PropertyDefinition[];
}

export interface TypeCatalog {
  readonly objectTypes: ReadonlyMap<string, ObjectTypeEntry>;
  readonly linkTypes: ReadonlyMap<string, LinkTypeEntry>;
}
