// Which columns a `links` field needs, from its selection set. A link's properties, version and
// timestamps, and the far endpoint's properties, versions and timestamps, are most of what an
// adjacency statement returns and most of what the gateway spends parsing rows (a 3-level
// nested query reads hundreds of links for their endpoints' external ids only). They are read
// only when a field that shows them is selected, under any alias or fragment.
//
// The check is a whitelist: anything but the fields known to need no detail column (and
// fields of fragments the document does not define) means "read everything". A record read
// without its details throws INTERNAL if one is used anyway (gateway/sql/links.ts), so a
// resolver added later that needs one fails loudly rather than answering wrongly.
import { Kind, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import { FULL_PROJECTION, type LinkProjection } from '../sql/links.ts';

/** Link fields answered from a link's ids and type alone (from/to are looked into). */
const LIGHT_LINK_FIELDS = new Set(['__typename', 'linkType', 'from', 'to']);
/** OntologyObject fields answered from an object's id, type and external id alone. */
const LIGHT_OBJECT_FIELDS = new Set(['__typename', 'id', 'type', 'objectType', 'externalId', 'links']);

export interface SelectionInfo {
  readonly fieldNodes: readonly FieldNode[];
  readonly fragments: Record<string, FragmentDefinitionNode>;
}

// Parsed documents are cached by Mercurius, so a field node is met again on every request of
// its operation. Only single-node fields are cached: a node may be merged with different
// siblings where its fragment is spread in more than one place.
const cache = new WeakMap<FieldNode, LinkProjection>();

/** The columns the `links` field of `info` needs. */
export function linkProjection(info: SelectionInfo): LinkProjection {
  const single = info.fieldNodes.length === 1 ? info.fieldNodes[0] : undefined;
  const known = single === undefined ? undefined : cache.get(single);
  if (known !== undefined) return known;
  const projection = project(info);
  if (single !== undefined) cache.set(single, projection);
  return projection;
}

function project(info: SelectionInfo): LinkProjection {
  let linkDetails = false;
  let farDetails = false;
  const linkFields = fieldsOf(info.fieldNodes.map((node) => node.selectionSet), info.fragments);
  if (linkFields === undefined) return FULL_PROJECTION;
  for (const field of linkFields) {
    const name = field.name.value;
    if (!LIGHT_LINK_FIELDS.has(name)) linkDetails = true;
    if (name === 'from' || name === 'to') {
      const objectFields = fieldsOf([field.selectionSet], info.fragments);
      if (objectFields === undefined || objectFields.some((objectField) => !LIGHT_OBJECT_FIELDS.has(objectField.name.value))) farDetails = true;
    }
  }
  return { linkDetails, farDetails };
}

/** The fields of the selection sets, through fragments; undefined if a fragment is unknown. */
function fieldsOf(sets: readonly (SelectionSetNode | undefined)[], fragments: Record<string, FragmentDefinitionNode>, visited = new Set<string>()): FieldNode[] | undefined {
  const fields: FieldNode[] = [];
  for (const set of sets) {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        fields.push(selection);
        continue;
      }
      let inner: SelectionSetNode;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        inner = selection.selectionSet;
      } else {
        const name = selection.name.value;
        if (visited.has(name)) continue; // validation rejects cycles; never loop on one anyway
        const fragment = fragments[name];
        if (fragment === undefined) return undefined;
        visited.add(name);
        inner = fragment.selectionSet;
      }
      const nested = fieldsOf([inner], fragments, visited);
      if (nested === undefined) return undefined;
      fields.push(...nested);
    }
  }
  return fields;
}
