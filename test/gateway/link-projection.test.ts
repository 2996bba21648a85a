// Which detail columns a `links` field reads (gateway/loaders/link-projection.ts): none for
// ids, types and external ids; the link's when one of its detail fields is selected; the far
// endpoint's when one of its detail fields is; everything when a fragment cannot be resolved.
import { Kind, parse, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode } from 'graphql';
import t from 'tap';
import { linkProjection } from '../../gateway/loaders/link-projection.ts';

/** The first `links` field of the document's operation, with the document's fragments. */
function infoOf(source: string) {
  const document = parse(source);
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  const find = (set: SelectionSetNode | undefined): FieldNode | undefined => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind !== Kind.FIELD) continue;
      if (selection.name.value === 'links') return selection;
      const inner = find(selection.selectionSet);
      if (inner !== undefined) return inner;
    }
    return undefined;
  };
  const operation = document.definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION)!;
  return { fieldNodes: [find(operation.selectionSet)!], fragments };
}

const projectionOf = (source: string) => linkProjection(infoOf(source));

t.test('ids, link types, types and external ids need no detail column', async (t) => {
  t.same(projectionOf('{ o { links { __typename linkType from { id type objectType { name } externalId } to { externalId } } } }'), { linkDetails: false, farDetails: false });
  t.same(projectionOf('{ o { links { from { externalId links { from { properties } } } } } }'), { linkDetails: false, farDetails: false }, 'a nested links field reads its own');
});

t.test('a detail field of the link or of an endpoint reads that side', async (t) => {
  for (const field of ['properties', 'redacted', 'version', 'createdAt', 'updatedAt']) {
    t.same(projectionOf(`{ o { links { ${field} } } }`), { linkDetails: true, farDetails: false }, `link ${field}`);
  }
  for (const field of ['properties', 'redacted', 'version', 'sourceVersion', 'createdAt', 'updatedAt']) {
    t.same(projectionOf(`{ o { links { to { ${field} } } } }`), { linkDetails: false, farDetails: true }, `endpoint ${field}`);
  }
  t.same(projectionOf('{ o { links { alias: from { shown: properties } } } }'), { linkDetails: false, farDetails: true }, 'under aliases');
});

t.test('fragments are looked into; an unknown one reads everything', async (t) => {
  t.same(projectionOf('{ o { links { ...L } } } fragment L on Link { from { ...O } } fragment O on OntologyObject { createdAt }'), { linkDetails: false, farDetails: true });
  t.same(projectionOf('{ o { links { ... on Link { version } } } }'), { linkDetails: true, farDetails: false });
  t.same(projectionOf('{ o { links { ...Missing } } }'), { linkDetails: true, farDetails: true });
});

t.test('fields merged from several nodes are all looked at', async (t) => {
  const document = parse('{ o { links { linkType } links { to { version } } } }');
  const object = (document.definitions[0] as { selectionSet: SelectionSetNode }).selectionSet.selections[0] as FieldNode;
  const nodes = object.selectionSet!.selections as FieldNode[];
  t.same(linkProjection({ fieldNodes: nodes, fragments: {} }), { linkDetails: false, farDetails: true });
});
