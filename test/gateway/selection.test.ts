// Reading a field's selection (gateway/selection.ts): fields through fragments, and whether a
// connection's selection reads a cursor (Query.objects leaves cursor values out otherwise).
import { Kind, parse, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import t from 'tap';
import { connectionNeedsCursors, selectedFields } from '../../gateway/selection.ts';

/** The root field of the document's operation, with the document's fragments. */
function infoOf(source: string) {
  const document = parse(source);
  const fragments: Record<string, FragmentDefinitionNode> = {};
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION)!;
  return { fieldNodes: [operation.selectionSet.selections[0] as FieldNode], fragments };
}

t.test('selectedFields walks fragments and inline fragments, and gives up on an unknown fragment', async (t) => {
  const info = infoOf('{ o { a ...F ... on T { c } } } fragment F on T { b ...G } fragment G on T { d }');
  t.same(selectedFields([info.fieldNodes[0]!.selectionSet], info.fragments)!.map((field) => field.name.value), ['a', 'b', 'd', 'c']);
  const unknown = infoOf('{ o { a ...Missing } }');
  t.equal(selectedFields([unknown.fieldNodes[0]!.selectionSet], unknown.fragments), undefined);
});

t.test('a connection reads cursors through edges or pageInfo cursors only', async (t) => {
  t.equal(connectionNeedsCursors(infoOf('{ objects { nodes { externalId } } }')), false);
  t.equal(connectionNeedsCursors(infoOf('{ objects { nodes { externalId } pageInfo { hasNextPage } } }')), false);
  t.equal(connectionNeedsCursors(infoOf('{ objects { edges { node { externalId } } } }')), true);
  t.equal(connectionNeedsCursors(infoOf('{ objects { pageInfo { endCursor } } }')), true);
  t.equal(connectionNeedsCursors(infoOf('{ objects { ...C } } fragment C on ObjectConnection { pageInfo { ...P } } fragment P on PageInfo { startCursor }')), true);
  t.equal(connectionNeedsCursors(infoOf('{ objects { ...Missing } }')), true, 'an unknown fragment: read them');
});
