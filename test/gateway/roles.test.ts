// Field-level roles: every field marked @requiresRole in schema.graphql refuses a viewer with
// FORBIDDEN before its resolver touches the database, and answers the roles it names.
import { readFileSync } from 'node:fs';
import { buildSchema, getDirectiveValues, getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isObjectType } from 'graphql';
import type { GraphQLArgument, GraphQLInputType } from 'graphql';
import t from 'tap';
import { SCHEMA_FILE } from '../../gateway/build-server.ts';
import { startGateway } from '../support/gateway/gateway-harness.ts';
import { tokenFor } from '../support/gateway/tokens.ts';
import { seedTwoTenants, TENANT_A } from '../support/gateway/two-tenants.ts';

const seeded = await seedTwoTenants(t);
const gateway = await startGateway(t, seeded.db.gateway);
const schema = buildSchema(readFileSync(SCHEMA_FILE, 'utf8'));
const ROLE_NAMES = ['VIEWER', 'OPERATOR', 'APPROVER', 'ADMIN'] as const;

// A value of a required argument's type, good enough to reach the resolver.
function sample(type: GraphQLInputType): string {
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) return `[${sample(inner.ofType)}]`;
  const named = getNamedType(inner);
  if (isEnumType(named)) return named.getValues()[0]!.name;
  if (isInputObjectType(named)) return '{}';
  if (named.name === 'Int' || named.name === 'Float') return '1';
  if (named.name === 'Boolean') return 'true';
  return `"${seeded.proposals.A[0]}"`;
}

const guarded = Object.values(schema.getTypeMap())
  .filter(isObjectType)
  .flatMap((type) =>
    Object.values(type.getFields()).flatMap((field) => {
      const values = field.astNode === undefined || field.astNode === null ? undefined : getDirectiveValues(schema.getDirective('requiresRole')!, field.astNode);
      if (values === undefined) return [];
      const args = field.args.filter((arg: GraphQLArgument) => isNonNullType(arg.type)).map((arg) => `${arg.name}: ${sample(arg.type)}`);
      return [{ coordinate: `${type.name}.${field.name}`, type: type.name, field: field.name, args, roles: values.anyOf as string[], description: field.description ?? '' }];
    }),
  );

t.test('the schema guards the governance fields', async (t) => {
  t.same(guarded.map((g) => g.coordinate).sort(), ['Query.auditChain', 'Query.auditEvents', 'Query.proposal', 'Query.proposals']);
  for (const field of guarded) t.match(field.description, /Requires/, `${field.coordinate} says in its description which roles it needs`);
});

t.test('every guarded field refuses the roles it does not name, before any database work, and answers the others', async (t) => {
  for (const field of guarded) {
    t.equal(field.type, 'Query', `${field.coordinate} is a root field (the generator below builds root queries)`);
    const query = `{ ${field.field}${field.args.length > 0 ? `(${field.args.join(', ')})` : ''} { __typename } }`;
    for (const role of ROLE_NAMES) {
      const token = await tokenFor(TENANT_A, [role.toLowerCase()]);
      const before = await gateway.dbQueries();
      const response = await gateway.query(token, query);
      if (field.roles.includes(role)) {
        t.same(response.codes, [], `${field.coordinate} answers ${role}`);
      } else {
        t.same(response.codes, ['FORBIDDEN'], `${field.coordinate} refuses ${role}`);
        t.same(response.body.errors![0]!.path, [field.field]);
        t.equal(await gateway.dbQueries(), before, `${field.coordinate}: no statement ran for ${role}`);
      }
    }
  }
});

t.test('a viewer asking for audit gets FORBIDDEN for that field and the rest of the answer', async (t) => {
  const viewer = await tokenFor(TENANT_A, ['viewer']);
  const response = await gateway.query(viewer, '{ viewer { roles } auditEvents { nodes { seq } } tools { name } }');
  t.equal(response.statusCode, 200, 'a partial answer is a 200');
  t.same(response.body.data!.viewer, { roles: ['VIEWER'] });
  t.equal(response.body.data!.auditEvents, null);
  t.equal(response.body.data!.tools.length, 2);
  t.same(response.body.errors, [
    { message: 'Query.auditEvents needs one of the roles operator, approver, admin', locations: [{ line: 1, column: 20 }], path: ['auditEvents'], extensions: { code: 'FORBIDDEN' } },
  ]);
});

t.test('a token with several roles gets the union', async (t) => {
  const both = await tokenFor(TENANT_A, ['viewer', 'approver']);
  const response = await gateway.query(both, '{ auditChain { ok } object(type: "Customer", id: "c-001") { redacted } }');
  t.same(response.codes, []);
  t.same(response.body.data, { auditChain: { ok: true }, object: { redacted: ['email'] } }, 'approver reads audit, but not sensitive values');
});
