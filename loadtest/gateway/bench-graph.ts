// The gateway benchmark's database: one fresh database (migrations via provisionDatabase) with
// the demo ontology for two tenants and a graph of objects and links in each, inserted directly
// as l3_processor (seeding is not measured):
//   Customer <-ownedBy- Site <-installedAt- Pump <-monitors- Sensor
// SITES_PER_CUSTOMER sites per customer, PUMPS_PER_SITE pumps per site, SENSORS_PER_PUMP sensors
// per pump, every link live. Tenant B gets a quarter of tenant A's customers under the same
// external ids, so a read that forgot its tenant would find B's rows: row-level security must
// really filter on both servers.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { provisionDatabase, type DatabaseUrls } from '../../cli/provision-database.ts';
import { dropDatabase, withClient } from '../support/bench-database.ts';
import { applyOntology, demoOntology } from '../support/demo-ontology.ts';

export const TENANT_A = '00000000-0000-4000-8000-00000000aa0a';
export const TENANT_B = '00000000-0000-4000-8000-00000000bb0b';
export const SITES_PER_CUSTOMER = 5;
export const PUMPS_PER_SITE = 5;
export const SENSORS_PER_PUMP = 2;

export interface BenchGraph {
  readonly name: string;
  readonly urls: DatabaseUrls;
  /** Live objects and links per tenant. */
  readonly counts: { readonly A: { objects: number; links: number }; readonly B: { objects: number; links: number } };
}

/** External ids: `customer-0000042`; sorted by external id they are sorted by number. */
const externalId = (prefix: string, index: string) => `'${prefix}-' || lpad((${index})::text, 7, '0')`;

export async function createBenchGraph(adminUrl: string, applicationName: string, customers: number): Promise<BenchGraph> {
  const name = `l3_bench_gw_${process.pid}_${randomBytes(4).toString('hex')}`;
  try {
    const urls = await provisionDatabase(adminUrl, name);
    await withClient(urls.processor, applicationName, async (client) => {
      await seedTenant(client, TENANT_A, customers, 'a');
      await seedTenant(client, TENANT_B, Math.max(1, Math.floor(customers / 4)), 'b');
    });
    // Fresh statistics, so the planner sees the tables as they are.
    await withClient(urls.admin, applicationName, (client) => client.query('ANALYZE'));
    const counts = await withClient(urls.admin, applicationName, async (client) => {
      const { rows } = await client.query<{ tenant_id: string; objects: string; links: string }>(
        `SELECT t.tenant_id, (SELECT count(*) FROM objects o WHERE o.tenant_id = t.tenant_id) AS objects,
                (SELECT count(*) FROM links l WHERE l.tenant_id = t.tenant_id) AS links
         FROM tenants t`,
      );
      const of = (tenant: string) => {
        const row = rows.find((r) => r.tenant_id === tenant);
        return { objects: Number(row?.objects ?? 0), links: Number(row?.links ?? 0) };
      };
      return { A: of(TENANT_A), B: of(TENANT_B) };
    });
    return { name, urls, counts };
  } catch (error) {
    await dropDatabase(adminUrl, applicationName, name);
    throw error;
  }
}

async function seedTenant(client: pg.ClientBase, tenantId: string, customers: number, mark: string): Promise<void> {
  await client.query('BEGIN');
  await client.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
  await applyOntology(client, demoOntology(tenantId));
  const sites = customers * SITES_PER_CUSTOMER;
  const pumps = sites * PUMPS_PER_SITE;
  const sensors = pumps * SENSORS_PER_PUMP;
  const insertObjects = (type: string, prefix: string, count: number, properties: string) =>
    client.query(
      `INSERT INTO objects (tenant_id, object_type_id, external_id, properties, source_version)
       SELECT $1, t.id, ${externalId(prefix, 'g')}, ${properties}, 1
       FROM object_types t, generate_series(0, $3::int - 1) AS g WHERE t.tenant_id = $1 AND t.name = $2`,
      [tenantId, type, count],
    );
  // Full, valid property sets (the demo ontology's required properties and a few optional ones).
  await insertObjects(
    'Customer',
    'customer',
    customers,
    `jsonb_build_object('name', 'Customer ' || g, 'accountNumber', 'ACC-${mark}-' || g, 'segment', (ARRAY['residential','commercial','industrial'])[1 + g % 3],
       'email', 'customer' || g || '@${mark}.example', 'phone', '+41 44 000 ' || lpad(g::text, 4, '0'), 'customerSince', '2019-01-01')`,
  );
  await insertObjects(
    'Site',
    'site',
    sites,
    `jsonb_build_object('name', 'Station ' || g, 'status', 'operational', 'address', g || ' Water Lane', 'latitude', 47.3 + (g % 100) / 1000.0,
       'longitude', 8.5 + (g % 97) / 1000.0, 'accessNotes', 'gate code ' || (1000 + g % 9000), 'commissionedOn', '2015-06-01')`,
  );
  await insertObjects(
    'Pump',
    'pump',
    pumps,
    `jsonb_build_object('serialNumber', 'SN-${mark}-' || g, 'model', (ARRAY['KSB-Etanorm','Grundfos-NB','Xylem-e-HM'])[1 + g % 3], 'status', 'running',
       'ratedFlowLps', 20 + g % 50, 'ratedPressureBar', 4 + (g % 7) / 2.0, 'installedOn', '2018-03-15', 'tags', jsonb_build_array('zone-' || g % 12))`,
  );
  await insertObjects(
    'Sensor',
    'sensor',
    sensors,
    `jsonb_build_object('kind', (ARRAY['pressure','flow'])[1 + g % 2], 'unit', (ARRAY['bar','l/s'])[1 + g % 2], 'lastReading', (g % 1000) / 10.0,
       'lastReadingAt', '2026-01-01T00:00:00Z')`,
  );
  // Child `g` of a parent type is linked to parent g / perParent.
  const insertLinks = (linkType: string, fromPrefix: string, toPrefix: string, count: number, perParent: number) =>
    client.query(
      `INSERT INTO links (tenant_id, link_type_id, from_object_type_id, from_object_id, to_object_type_id, to_object_id, source_version)
       SELECT $1, lt.id, f.object_type_id, f.id, t.object_type_id, t.id, 1
       FROM link_types lt, generate_series(0, $3::int - 1) AS g
       JOIN objects f ON f.tenant_id = $1 AND f.external_id = ${externalId(fromPrefix, 'g')}
       JOIN objects t ON t.tenant_id = $1 AND t.external_id = ${externalId(toPrefix, `g / ${perParent}`)}
       WHERE lt.tenant_id = $1 AND lt.name = $2 AND f.object_type_id = lt.from_object_type_id AND t.object_type_id = lt.to_object_type_id`,
      [tenantId, linkType, count],
    );
  await insertLinks('ownedBy', 'site', 'customer', sites, SITES_PER_CUSTOMER);
  await insertLinks('installedAt', 'pump', 'site', pumps, PUMPS_PER_SITE);
  await insertLinks('monitors', 'sensor', 'pump', sensors, SENSORS_PER_PUMP);
  await client.query('COMMIT');
}
