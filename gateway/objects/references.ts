// Names in arguments resolved against the caller's tenant: an ObjectRef ({type, id}) to its live
// object, link type names to ids. A name the tenant does not have is NOT_FOUND, whether it never
// existed or belongs to another tenant: the answer is the same, so it reveals nothing.
import { badInput, notFound } from '../errors.ts';
import type { RequestScope } from '../request-scope.ts';
import { objectByExternalId, type ObjectRecord } from '../sql/objects.ts';

export interface ObjectRefInput {
  readonly type: string;
  readonly id: string;
}

/** The live object an ObjectRef names; NOT_FOUND if its type or the object does not exist in the caller's tenant. */
export async function resolveObjectRef(scope: RequestScope, ref: ObjectRefInput): Promise<ObjectRecord> {
  const type = (await scope.catalog()).objectTypeByName(ref.type);
  const object = type === undefined ? undefined : await objectByExternalId(scope.db, type.id, ref.id);
  if (object === undefined) throw notFound(`no ${ref.type} object with id ${JSON.stringify(ref.id)}`);
  return object;
}

/** Ids of the named link types (null: every type); an unknown name is NOT_FOUND. */
export async function linkTypeIdsOf(scope: RequestScope, names: readonly string[] | null | undefined): Promise<string[] | null> {
  if (names === null || names === undefined) return null;
  if (names.length === 0) throw badInput('linkTypes needs at least one name (omit it for every link type)');
  const catalog = await scope.catalog();
  return names.map((name) => {
    const linkType = catalog.linkTypeByName(name);
    if (linkType === undefined) throw notFound(`no link type named ${JSON.stringify(name)}`);
    return linkType.id;
  });
}
