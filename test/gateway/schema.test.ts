// The SDL documents itself: every type, field, argument, enum value and input field of
// schema.graphql has a description, since descriptions are what clients (and agents) read.
import { readFileSync } from 'node:fs';
import { buildSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isScalarType, isSpecifiedScalarType } from 'graphql';
import t from 'tap';
import { SCHEMA_FILE } from '../../gateway/build-server.ts';

const schema = buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));

t.test('every type, field, argument, enum value and input field has a description', async (t) => {
  const missing: string[] = [];
  const need = (what: string, description: string | null | undefined) => {
    if (description === null || description === undefined || description.trim().length === 0) missing.push(what);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || (isScalarType(type) && isSpecifiedScalarType(type))) continue;
    need(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        need(`${type.name}.${field.name}`, field.description);
        for (const arg of field.args) need(`${type.name}.${field.name}(${arg.name})`, arg.description);
      }
    }
    if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) need(`${type.name}.${field.name}`, field.description);
    if (isEnumType(type)) for (const value of type.getValues()) need(`${type.name}.${value.name}`, value.description);
  }
  for (const directive of schema.getDirectives()) need(`@${directive.name}`, directive.description);
  t.same(missing, [], 'nothing undocumented');
});

t.test('the root fields are the read API of ARCHITECTURE §8', async (t) => {
  t.same(Object.keys(schema.getQueryType()!.getFields()).sort(), [
    'auditChain',
    'auditEvents',
    'linkTypes',
    'node',
    'object',
    'objectType',
    'objectTypes',
    'objects',
    'proposal',
    'proposals',
    'similarObjects',
    'tools',
    'traverse',
    'viewer',
  ]);
  t.equal(schema.getMutationType(), undefined, 'no mutations yet');
});
