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
import { FULL_PROJECTION, type LinkProjection } from '../sql/links.ts';
import { memoizedBySelection, selectedFields, type SelectionInfo } from '../selection.ts';

/** Link fields answered from a link's ids and type alone (from/to are looked into). */
const LIGHT_LINK_FIELDS = new Set(['__typename', 'linkType', 'from', 'to']);
/** OntologyObject fields answered from an object's id, type and external id alone. */
const LIGHT_OBJECT_FIELDS = new Set(['__typename', 'id', 'type', 'objectType', 'externalId', 'links']);

/** The columns the `links` field of `info` needs. */
export const linkProjection = memoizedBySelection(project);

function project(info: SelectionInfo): LinkProjection {
  let linkDetails = false;
  let farDetails = false;
  const linkFields = selectedFields(info.fieldNodes.map((node) => node.selectionSet), info.fragments);
  if (linkFields === undefined) return FULL_PROJECTION;
  for (const field of linkFields) {
    const name = field.name.value;
    if (!LIGHT_LINK_FIELDS.has(name)) linkDetails = true;
    if (name === 'from' || name === 'to') {
      const objectFields = selectedFields([field.selectionSet], info.fragments);
      if (objectFields === undefined || objectFields.some((objectField) => !LIGHT_OBJECT_FIELDS.has(objectField.name.value))) farDetails = true;
    }
  }
  return { linkDetails, farDetails };
}
