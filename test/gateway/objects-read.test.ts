// Query.objects / object / node / objectTypes against a seeded database: typed filters, orderings,
// cursor pagination without duplicates or gaps, and redaction of sensitive properties by role.
import t from 'tap';
import { startGateway } from '../support/gateway/gateway-harness.ts';
import { tokenFor } from '../support/gateway/tokens.ts';
import { CUSTOMERS_A, seedTwoTenants, TENANT_A, type Customer } from '../support/gateway/two-tenants.ts';

const seeded = await seedTwoTenants(t);
const gateway = await startGateway(t, seeded.db.gateway);
const viewer = await tokenFor(TENANT_A, ['viewer']);
const operator = await tokenFor(TENANT_A, ['operator']);

const PAGE = `query Page($where: ObjectFilter, $orderBy: [ObjectOrder!], $first: Int, $after: String) {
  objects(type: "Customer", where: $where, orderBy: $orderBy, first: $first, after: $after) {
    edges { cursor node { externalId } }
    nodes { externalId }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

const rowId = (c: Customer): string => seeded.ids.A.get(`Customer/${c.externalId}`)!;
const sorted = (predicate: (c: Customer) => boolean): string[] =>
  CUSTOMERS_A.filter(predicate)
    .map((c) => c.externalId)
    .sort();

async function page(variables: Record<string, unknown>, token = viewer) {
  const response = await gateway.query(token, PAGE, variables);
  return response;
}

async function allPages(variables: Record<string, unknown>, first: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  for (;;) {
    const response = await page({ ...variables, first, after });
    if (response.codes.length > 0) throw new Error(JSON.stringify(response.body.errors));
    const connection = response.body.data!.objects;
    pages += 1;
    ids.push(...connection.edges.map((edge: { node: { externalId: string } }) => edge.node.externalId));
    if (!connection.pageInfo.hasNextPage) return { ids, pages };
    after = connection.pageInfo.endCursor;
    if (pages > 50) throw new Error('pagination does not end');
  }
}

t.test('objectTypes and objectType list the tenant ontology with property definitions', async (t) => {
  const response = await gateway.query(viewer, '{ objectTypes { name properties { name dataType sensitive required } } objectType(name: "Pump") { name } missing: objectType(name: "Nope") { name } linkTypes { name fromType toType properties { name sensitive } } }');
  t.same(response.codes, []);
  const data = response.body.data!;
  t.same(data.objectTypes.map((type: { name: string }) => type.name), ['Customer', 'Pump', 'Site']);
  const customer = data.objectTypes[0];
  t.same(customer.properties.find((p: { name: string }) => p.name === 'email'), { name: 'email', dataType: 'STRING', sensitive: true, required: false });
  t.same(customer.properties.find((p: { name: string }) => p.name === 'tags').dataType, 'STRING_ARRAY');
  t.same(data.objectType, { name: 'Pump' });
  t.equal(data.missing, null);
  t.same(data.linkTypes.find((l: { name: string }) => l.name === 'installedAt'), {
    name: 'installedAt',
    fromType: 'Pump',
    toType: 'Site',
    properties: [
      { name: 'gateCode', sensitive: true },
      { name: 'position', sensitive: false },
    ],
  });
});

t.test('objects returns live objects only, by external id by default', async (t) => {
  const { ids } = await allPages({}, 200);
  t.same(ids, sorted(() => true), 'every live customer once, the deleted one never');
  t.notOk(ids.includes('c-deleted'));
});

t.test('typed property filters select what the same predicate selects in JavaScript', async (t) => {
  const cases: [string, Record<string, unknown>, (c: Customer) => boolean][] = [
    ['string eq', { properties: [{ name: 'tier', eq: 'gold' }] }, (c) => c.properties.tier === 'gold'],
    ['string ne', { properties: [{ name: 'tier', ne: 'gold' }] }, (c) => c.properties.tier !== 'gold'],
    ['string in', { properties: [{ name: 'tier', in: ['gold', 'bronze'] }] }, (c) => c.properties.tier !== 'silver'],
    ['string contains ignores case', { properties: [{ name: 'name', contains: 'CUSTOMER 1' }] }, (c) => String(c.properties.name).startsWith('Customer 1')],
    ['string lt', { properties: [{ name: 'tier', lt: 'gold' }] }, (c) => c.properties.tier === 'bronze'],
    ['number gt', { properties: [{ name: 'score', gt: 5 }] }, (c) => typeof c.properties.score === 'number' && c.properties.score > 5],
    ['number lte and gte', { properties: [{ name: 'score', gte: 3, lte: 9 }] }, (c) => typeof c.properties.score === 'number' && c.properties.score >= 3 && c.properties.score <= 9],
    ['number isNull', { properties: [{ name: 'score', isNull: true }] }, (c) => c.properties.score === undefined],
    ['number isNull false', { properties: [{ name: 'score', isNull: false }] }, (c) => c.properties.score !== undefined],
    ['integer in', { properties: [{ name: 'visits', in: [0, 3] }] }, (c) => c.properties.visits === 0 || c.properties.visits === 3],
    ['integer eq', { properties: [{ name: 'visits', eq: 7 }] }, (c) => c.properties.visits === 7],
    ['boolean eq', { properties: [{ name: 'active', eq: false }] }, (c) => c.properties.active === false],
    ['date gte', { properties: [{ name: 'since', gte: '2020-01-15' }] }, (c) => String(c.properties.since) >= '2020-01-15'],
    ['timestamp lt', { properties: [{ name: 'lastSeen', lt: '2024-03-01T10:10:00Z' }] }, (c) => String(c.properties.lastSeen) < '2024-03-01T10:10:00Z'],
    ['timestamp eq with another spelling', { properties: [{ name: 'lastSeen', eq: '2024-03-01T11:05:00+01:00' }] }, (c) => c.properties.lastSeen === '2024-03-01T10:05:00Z'],
    ['array contains', { properties: [{ name: 'tags', contains: 'vip' }] }, (c) => (c.properties.tags as string[]).includes('vip')],
    ['externalIdIn', { externalIdIn: ['c-001', 'c-002', 'nope', 'c-deleted'] }, (c) => c.externalId === 'c-001' || c.externalId === 'c-002'],
    ['updatedSince', { updatedSince: '2000-01-01T00:00:00Z' }, () => true],
    [
      'or of two',
      { or: [{ properties: [{ name: 'tier', eq: 'gold' }] }, { properties: [{ name: 'visits', eq: 7 }] }] },
      (c) => c.properties.tier === 'gold' || c.properties.visits === 7,
    ],
    ['not', { not: { properties: [{ name: 'active', eq: true }] } }, (c) => c.properties.active !== true],
    [
      'and with nested or',
      { properties: [{ name: 'active', eq: true }], and: [{ or: [{ properties: [{ name: 'tier', eq: 'gold' }] }, { properties: [{ name: 'score', isNull: true }] }] }] },
      (c) => c.properties.active === true && (c.properties.tier === 'gold' || c.properties.score === undefined),
    ],
  ];
  for (const [name, where, predicate] of cases) {
    const response = await page({ where, first: 200 });
    t.same(response.codes, [], `${name}: no error`);
    const ids = response.body.data?.objects.nodes.map((node: { externalId: string }) => node.externalId);
    t.same(ids, sorted(predicate), name);
  }
});

t.test('a filter naming an unknown property, a wrong value type or an unsupported operator is BAD_USER_INPUT', async (t) => {
  const bad: [string, Record<string, unknown>][] = [
    ['unknown property', { properties: [{ name: 'colour', eq: 'red' }] }],
    ['string for a number', { properties: [{ name: 'score', eq: 'high' }] }],
    ['fraction for an integer', { properties: [{ name: 'visits', eq: 1.5 }] }],
    ['not a date', { properties: [{ name: 'since', gte: '2020-02-30' }] }],
    ['not a timestamp', { properties: [{ name: 'lastSeen', lt: 'yesterday' }] }],
    ['lt on a boolean', { properties: [{ name: 'active', lt: true }] }],
    ['contains on a number', { properties: [{ name: 'score', contains: 1 }] }],
    ['eq on an array', { properties: [{ name: 'tags', eq: 'vip' }] }],
    ['no operator', { properties: [{ name: 'tier' }] }],
    ['null instead of isNull', { properties: [{ name: 'tier', eq: null }] }],
    ['empty in', { properties: [{ name: 'tier', in: [] }] }],
    ['too many values', { externalIdIn: Array.from({ length: 101 }, (_, i) => `c-${i}`) }],
    ['nested too deep', { not: { not: { not: { not: { not: { properties: [{ name: 'tier', eq: 'gold' }] } } } } } }],
  ];
  for (const [name, where] of bad) {
    const response = await page({ where });
    t.same(response.codes, ['BAD_USER_INPUT'], name);
    t.equal(response.body.data, null, `${name}: no data`);
  }
  const unknownType = await gateway.query(viewer, '{ objects(type: "Nope") { nodes { id } } }');
  t.same(unknownType.codes, ['NOT_FOUND']);
});

t.test('filtering or ordering on a sensitive property is for operator and admin only', async (t) => {
  const where = { properties: [{ name: 'email', eq: 'customer3@a.example' }] };
  t.same((await page({ where })).codes, ['FORBIDDEN'], 'viewer may not filter on email');
  t.same((await page({ orderBy: [{ property: 'email' }] })).codes, ['FORBIDDEN'], 'viewer may not order by email');
  const asOperator = await page({ where }, operator);
  t.same(asOperator.body.data!.objects.nodes, [{ externalId: 'c-003' }]);
});

t.test('orderings page through every object exactly once, in order, with a stable tiebreaker', async (t) => {
  const byId = (a: Customer, b: Customer) => (rowId(a) < rowId(b) ? -1 : rowId(a) > rowId(b) ? 1 : 0);
  const num = (c: Customer, key: string) => c.properties[key] as number | undefined;
  const orderings: [string, unknown[], (a: Customer, b: Customer) => number][] = [
    ['externalId desc', [{ field: 'EXTERNAL_ID', direction: 'DESC' }], (a, b) => (a.externalId < b.externalId ? 1 : -1)],
    [
      'score desc, missing last',
      [{ property: 'score', direction: 'DESC' }],
      (a, b) => {
        const [x, y] = [num(a, 'score'), num(b, 'score')];
        if (x === undefined || y === undefined) return x === y ? byId(a, b) : x === undefined ? 1 : -1;
        return x === y ? byId(a, b) : y - x;
      },
    ],
    [
      'score asc, missing last',
      [{ property: 'score' }],
      (a, b) => {
        const [x, y] = [num(a, 'score'), num(b, 'score')];
        if (x === undefined || y === undefined) return x === y ? byId(a, b) : x === undefined ? 1 : -1;
        return x === y ? byId(a, b) : x - y;
      },
    ],
    ['tier (many ties) then id', [{ property: 'tier' }], (a, b) => String(a.properties.tier).localeCompare(String(b.properties.tier)) || byId(a, b)],
    [
      'visits asc then lastSeen desc',
      [{ property: 'visits' }, { property: 'lastSeen', direction: 'DESC' }],
      (a, b) => num(a, 'visits')! - num(b, 'visits')! || String(b.properties.lastSeen).localeCompare(String(a.properties.lastSeen)) || byId(a, b),
    ],
    ['active then since', [{ property: 'active' }, { property: 'since' }], (a, b) => Number(a.properties.active) - Number(b.properties.active) || String(a.properties.since).localeCompare(String(b.properties.since)) || byId(a, b)],
    // Every object was written in the same transaction: updated_at ties everywhere, the id decides.
    ['updatedAt', [{ field: 'UPDATED_AT' }], byId],
  ];
  for (const [name, orderBy, compare] of orderings) {
    const expected = [...CUSTOMERS_A].sort(compare).map((c) => c.externalId);
    const whole = await allPages({ orderBy }, 200);
    t.same(whole.ids, expected, `${name}: one page`);
    for (const size of [1, 7, 10]) {
      const paged = await allPages({ orderBy }, size);
      t.same(paged.ids, expected, `${name}: pages of ${size} without duplicates or gaps`);
      // hasNextPage comes from reading one row more than asked, so the last page says so itself.
      t.equal(paged.pages, Math.ceil(expected.length / size), `${name}: no empty page at the end (pages of ${size})`);
    }
  }
});

t.test('pages with a filter and an ordering compose', async (t) => {
  const where = { properties: [{ name: 'active', eq: true }] };
  const paged = await allPages({ where, orderBy: [{ property: 'tier', direction: 'DESC' }] }, 4);
  const expected = CUSTOMERS_A.filter((c) => c.properties.active === true)
    .sort((a, b) => String(b.properties.tier).localeCompare(String(a.properties.tier)) || (rowId(a) < rowId(b) ? -1 : 1))
    .map((c) => c.externalId);
  t.same(paged.ids, expected);
});

t.test('cursors are checked: malformed, from another ordering, or forged values are BAD_USER_INPUT', async (t) => {
  const first = await page({ first: 2 });
  const cursor = first.body.data!.objects.pageInfo.endCursor as string;
  t.equal(first.body.data!.objects.pageInfo.hasPreviousPage, false);
  t.same((await page({ first: 2, after: 'not a cursor!' })).codes, ['BAD_USER_INPUT']);
  t.same((await page({ first: 2, after: Buffer.from('{"k":"objects"}').toString('base64url') })).codes, ['BAD_USER_INPUT']);
  t.same((await page({ first: 2, after: cursor, orderBy: [{ property: 'tier' }] })).codes, ['BAD_USER_INPUT'], 'cursor of another ordering');
  const document = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  const forged = Buffer.from(JSON.stringify({ ...document, i: 'not-a-uuid' })).toString('base64url');
  t.same((await page({ first: 2, after: forged })).codes, ['BAD_USER_INPUT'], 'forged id');
  const scoreCursor = (await page({ first: 1, orderBy: [{ property: 'score' }] })).body.data!.objects.pageInfo.endCursor as string;
  const scoreDocument = JSON.parse(Buffer.from(scoreCursor, 'base64url').toString());
  const badValue = Buffer.from(JSON.stringify({ ...scoreDocument, v: ["1'; DROP TABLE objects; --"] })).toString('base64url');
  t.same((await page({ first: 1, orderBy: [{ property: 'score' }], after: badValue })).codes, ['BAD_USER_INPUT'], 'forged value');
});

t.test('page sizes outside 1..max are BAD_USER_INPUT, not clamped', async (t) => {
  t.same((await page({ first: 0 })).codes, ['BAD_USER_INPUT']);
  t.same((await page({ first: 201 })).codes, ['BAD_USER_INPUT']);
  t.same((await page({ first: 200 })).codes, []);
});

t.test('object and node look up one live object; unknown ones are null', async (t) => {
  const response = await gateway.query(
    viewer,
    '{ a: object(type: "Customer", id: "c-003") { id externalId type objectType { name } version sourceVersion createdAt } gone: object(type: "Customer", id: "c-deleted") { id } nope: object(type: "Nope", id: "c-003") { id } }',
  );
  t.same(response.codes, []);
  const a = response.body.data!.a;
  t.equal(a.externalId, 'c-003');
  t.equal(a.type, 'Customer');
  t.same(a.objectType, { name: 'Customer' });
  t.equal(a.version, 1);
  t.equal(a.sourceVersion, '1');
  t.match(a.createdAt, /^\d{4}-\d{2}-\d{2}T/);
  t.equal(response.body.data!.gone, null, 'a deleted object is not found');
  t.equal(response.body.data!.nope, null);
  const node = await gateway.query(viewer, `{ node(id: "${a.id}") { id ... on OntologyObject { externalId } } }`);
  t.same(node.body.data!.node, { id: a.id, externalId: 'c-003' });
  const deletedId = Buffer.from(`OntologyObject:${seeded.ids.A.get('Customer/c-deleted')}`).toString('base64url');
  t.same((await gateway.query(viewer, `{ node(id: "${deletedId}") { id } }`)).body.data, { node: null });
  t.same((await gateway.query(viewer, '{ node(id: "garbage") { id } }')).codes, ['BAD_USER_INPUT']);
});

t.test('sensitive properties are redacted for viewer and approver, shown to operator and admin', async (t) => {
  const query = '{ viewer { canReadSensitive roles } object(type: "Customer", id: "c-004") { properties redacted } }';
  for (const [roles, visible] of [
    [['viewer'], false],
    [['approver'], false],
    [['operator'], true],
    [['admin'], true],
    [['viewer', 'operator'], true],
  ] as const) {
    const response = await gateway.query(await tokenFor(TENANT_A, roles), query);
    const { viewer: who, object } = response.body.data!;
    t.equal(who.canReadSensitive, visible, `${roles}: canReadSensitive`);
    t.equal(object.properties.email, visible ? 'customer4@a.example' : null, `${roles}: email`);
    t.same(object.redacted, visible ? [] : ['email'], `${roles}: redacted`);
    t.equal(object.properties.name, 'Customer 4', `${roles}: other properties shown`);
  }
});
