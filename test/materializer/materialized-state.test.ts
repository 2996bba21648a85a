import { randomUUID } from 'node:crypto';
import type { ClientBase } from 'pg';
import t from 'tap';
import { connect, createTestDatabase } from '../support/database.ts';
import { compareStates, parseVector, readMaterializedState } from '../support/materializer/materialized-state.ts';
import type { ComparableState } from '../support/materializer/materialized-state.ts';
import { foldEvents } from '../support/materializer/reference-fold.ts';
import type { FoldedLink, FoldedObject } from '../support/materializer/reference-fold.ts';
import { generateWorkload } from '../support/materializer/workload.ts';

const TENANT = randomUUID();
const OTHER_TENANT = randomUUID();

const pump: FoldedObject = {
  tenantId: TENANT,
  objectType: 'Pump',
  objectId: 'p1',
  properties: { serial: 'A', spec: { b: 1, a: [1, null] } },
  embedding: [0.1, 0.2],
  version: 2,
  sourceVersion: 20,
  deleted: false,
};
const installed: FoldedLink = {
  tenantId: TENANT,
  linkType: 'installedAt',
  fromType: 'Pump',
  fromId: 'p1',
  toType: 'Site',
  toId: 's1',
  properties: {},
  version: 1,
  sourceVersion: 10,
  deleted: false,
  pending: true,
};
const PUMP_KEY = `${TENANT}:Pump/p1`;
const LINK_KEY = `${TENANT}:installedAt/Pump/p1/Site/s1`;

function state(objects: FoldedObject[], links: FoldedLink[]): ComparableState {
  return {
    objects: new Map(objects.map((o) => [`${o.tenantId}:${o.objectType}/${o.objectId}`, o])),
    links: new Map(links.map((l) => [`${l.tenantId}:${l.linkType}/${l.fromType}/${l.fromId}/${l.toType}/${l.toId}`, l])),
  };
}

t.test('equal states compare without differences, whatever the key order of properties', async (t) => {
  const reordered = { ...pump, properties: { spec: { a: [1, null], b: 1 }, serial: 'A' }, embedding: [Math.fround(0.1), Math.fround(0.2)] };
  t.same(compareStates(state([pump], [installed]), state([reordered], [{ ...installed }])), []);
});

t.test('every difference is listed with both values', async (t) => {
  const changed = { ...pump, version: 3, deleted: true, properties: { serial: 'B' }, embedding: [0.1, 0.3] };
  t.same(compareStates(state([pump], [installed]), state([changed], [{ ...installed, pending: false, sourceVersion: null }])), [
    `object ${PUMP_KEY}: version expected 2, got 3`,
    `object ${PUMP_KEY}: deleted expected false, got true`,
    `object ${PUMP_KEY}: properties expected {"serial":"A","spec":{"b":1,"a":[1,null]}}, got {"serial":"B"}`,
    `object ${PUMP_KEY}: embedding component 1 expected ${Math.fround(0.2)}, got ${Math.fround(0.3)}`,
    `link ${LINK_KEY}: sourceVersion expected 10, got null`,
    `link ${LINK_KEY}: pending expected true, got false`,
  ]);
  t.same(compareStates(state([pump], []), state([{ ...pump, embedding: null }], [installed])), [
    `object ${PUMP_KEY}: embedding expected 2 dimensions, got null`,
    `link ${LINK_KEY}: unexpected (${JSON.stringify(installed)})`,
  ]);
  const missing = compareStates(state([pump], []), state([], []));
  t.equal(missing.length, 1);
  t.match(missing[0], `object ${PUMP_KEY}: missing (expected {`);
  t.match(missing[0], '"embedding":"<2 dimensions>"');
});

t.test('pgvector text is read as float32 values', async (t) => {
  t.same(parseVector('[1,-0.5,3e-05]'), [1, -0.5, Math.fround(3e-5)]);
  t.same(parseVector('[]'), []);
});

t.test('the reader returns, in the fold shape, what the materializer would have written', async (t) => {
  const adminUrl = process.env.L3_PG_ADMIN_URL ?? '';
  const db = await createTestDatabase(t);
  const database = new URL(db.admin).pathname.slice(1);
  const admin = await connect(t, db.admin);

  // A real fold's outcome, written row by row as plain SQL (the superuser bypasses RLS): every
  // shape the processor produces — tombstones, embeddings, pending links, links of deleted
  // objects — must come back identical.
  const expected = foldEvents(generateWorkload({ seed: 7, tenants: [TENANT], events: 800 }));
  await writeState(admin, TENANT, expected);
  await writeState(admin, OTHER_TENANT, state([{ ...pump, tenantId: OTHER_TENANT, embedding: null }], []));

  const actual = await readMaterializedState(adminUrl, database, [TENANT]);
  t.same(compareStates(expected, actual), []);
  t.ok([...actual.objects.values()].some((o) => o.embedding !== null), 'embeddings were read');
  t.ok([...actual.links.values()].some((l) => l.pending), 'pending links were read');
  t.ok([...actual.links.values()].some((l) => !l.pending), 'links were read');
  t.ok([...actual.objects.values()].some((o) => o.deleted), 'tombstones were read');

  const both = await readMaterializedState(adminUrl, database, [TENANT, OTHER_TENANT]);
  t.equal(both.objects.size, actual.objects.size + 1, 'only the tenants asked for are read');

  // The same identity in links and pending_links is a processor bug the reader must not hide.
  const live = [...expected.links.values()].find((l) => !l.pending)!;
  await admin.query(
    `INSERT INTO pending_links (tenant_id, link_type_id, from_object_type_id, from_external_id, to_object_type_id, to_external_id, source_version)
     SELECT l.tenant_id, l.link_type_id, l.from_object_type_id, $2, l.to_object_type_id, $3, 1
       FROM links l JOIN link_types lt ON lt.tenant_id = l.tenant_id AND lt.id = l.link_type_id
      WHERE l.tenant_id = $1 AND lt.name = $4 LIMIT 1`,
    [TENANT, live.fromId, live.toId, live.linkType],
  );
  await t.rejects(readMaterializedState(adminUrl, database, [TENANT]), /is both in links and in pending_links/);
});

// Writes `state` for `tenantId` the simplest way there is: one INSERT per row.
async function writeState(client: ClientBase, tenantId: string, state: ComparableState): Promise<void> {
  await client.query('INSERT INTO tenants (tenant_id, name) VALUES ($1, $2)', [tenantId, `tenant ${tenantId}`]);
  const objectTypes = new Map<string, string>();
  const typeId = async (name: string) => {
    let id = objectTypes.get(name);
    if (id === undefined) {
      const { rows } = await client.query<{ id: string }>('INSERT INTO object_types (tenant_id, name) VALUES ($1, $2) RETURNING id', [tenantId, name]);
      id = rows[0]!.id;
      objectTypes.set(name, id);
    }
    return id;
  };
  const linkTypes = new Map<string, string>();
  const linkTypeId = async (link: FoldedLink) => {
    let id = linkTypes.get(link.linkType);
    if (id === undefined) {
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO link_types (tenant_id, name, from_object_type_id, to_object_type_id, cardinality)
         VALUES ($1, $2, $3, $4, 'MANY_TO_MANY') RETURNING id`,
        [tenantId, link.linkType, await typeId(link.fromType), await typeId(link.toType)],
      );
      id = rows[0]!.id;
      linkTypes.set(link.linkType, id);
    }
    return id;
  };

  const objectIds = new Map<string, string>();
  for (const [key, object] of state.objects) {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO objects (tenant_id, object_type_id, external_id, properties, embedding, version, source_version, deleted_at)
       VALUES ($1, $2, $3, $4, $5::vector, $6, $7, CASE WHEN $8 THEN now() END) RETURNING id`,
      [
        tenantId,
        await typeId(object.objectType),
        object.objectId,
        JSON.stringify(object.properties),
        object.embedding === null ? null : JSON.stringify(object.embedding),
        object.version,
        object.sourceVersion,
        object.deleted,
      ],
    );
    objectIds.set(key, rows[0]!.id);
  }
  for (const link of state.links.values()) {
    const common = [tenantId, await linkTypeId(link), await typeId(link.fromType), await typeId(link.toType)];
    const rest = [JSON.stringify(link.properties), link.version, link.sourceVersion, link.deleted];
    if (link.pending) {
      await client.query(
        `INSERT INTO pending_links (tenant_id, link_type_id, from_object_type_id, to_object_type_id, from_external_id, to_external_id,
           properties, version, source_version, deleted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $10 THEN now() END)`,
        [...common, link.fromId, link.toId, ...rest],
      );
    } else {
      await client.query(
        `INSERT INTO links (tenant_id, link_type_id, from_object_type_id, to_object_type_id, from_object_id, to_object_id,
           properties, version, source_version, deleted_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $10 THEN now() END)`,
        [
          ...common,
          objectIds.get(`${tenantId}:${link.fromType}/${link.fromId}`),
          objectIds.get(`${tenantId}:${link.toType}/${link.toId}`),
          ...rest,
        ],
      );
    }
  }
}
