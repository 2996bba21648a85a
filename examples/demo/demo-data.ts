// Sample data for the demo tenant of examples/ontology/demo.yaml: customers, their sites, pumps
// installed there, sensors on the pumps, technicians and work orders, with the links between
// them. Deterministic (seeded), so every `bin/l3 up` shows the same world. Pumps carry 384-dim
// embeddings clustered by model, so similarity search has something to find.
import type { LinkChange } from '../../contracts/generated/link-change.ts';
import type { ObjectChange } from '../../contracts/generated/object-change.ts';
import { mulberry32 } from '../../runtime/seeded-random.ts';

export const DEMO_TENANT_ID = '0c6e2f8a-6f3d-4d4b-9a57-2f1c1d3e4a5b';

export type DemoEvent = { topic: 'objects'; value: ObjectChange } | { topic: 'links'; value: LinkChange };

const MODELS = ['Grundfos CR 45', 'KSB Etanorm 80', 'Xylem e-SV 33', 'Wilo Helix V 52'];
const SKILLS = ['electrical', 'mechanical', 'hydraulics', 'scada', 'welding'];
const SEGMENTS = ['municipal', 'industrial', 'agricultural'];

/** A UUID from the seeded generator (v4 layout), so event ids are reproducible too. */
function uuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** Unit vector near the model's centre: pumps of one model are each other's nearest neighbours. */
function embedding(random: () => number, modelIndex: number): number[] {
  const centre = mulberry32(1000 + modelIndex);
  const vector = Array.from({ length: 384 }, () => centre() - 0.5 + (random() - 0.5) * 0.15);
  const norm = Math.hypot(...vector);
  return vector.map((v) => Math.fround(v / norm));
}

export interface DemoSize {
  readonly customers: number;
  readonly sitesPerCustomer: number;
  readonly pumpsPerSite: number;
  readonly sensorsPerPump: number;
  readonly technicians: number;
  readonly workOrders: number;
}

export const DEFAULT_DEMO_SIZE: DemoSize = { customers: 12, sitesPerCustomer: 3, pumpsPerSite: 3, sensorsPerPump: 2, technicians: 10, workOrders: 40 };

export function demoEvents(size: DemoSize = DEFAULT_DEMO_SIZE, now = Date.parse('2026-11-01T08:00:00Z')): DemoEvent[] {
  const random = mulberry32(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const events: DemoEvent[] = [];
  const object = (objectType: string, objectId: string, properties: Record<string, unknown>, vector: number[] | null = null) =>
    events.push({
      topic: 'objects',
      value: { tenantId: DEMO_TENANT_ID, eventId: uuid(random), op: 'UPSERT', objectType, objectId, properties: JSON.stringify(properties), embedding: vector, sourceVersion: 1, occurredAt: now },
    });
  const link = (linkType: string, fromType: string, fromId: string, toType: string, toId: string, properties: Record<string, unknown> = {}) =>
    events.push({
      topic: 'links',
      value: {
        tenantId: DEMO_TENANT_ID,
        eventId: uuid(random),
        op: 'UPSERT',
        linkType,
        from: { objectType: fromType, objectId: fromId },
        to: { objectType: toType, objectId: toId },
        properties: JSON.stringify(properties),
        sourceVersion: 1,
        occurredAt: now,
      },
    });

  const pumps: string[] = [];
  for (let c = 1; c <= size.customers; c++) {
    const customer = `cust-${c}`;
    object('Customer', customer, {
      name: `Customer ${c}`,
      accountNumber: `AC-${String(10_000 + c)}`,
      segment: pick(SEGMENTS),
      email: `ops${c}@customer${c}.example`,
      phone: `+44 20 7946 ${String(1000 + c)}`,
      customerSince: `20${String(10 + (c % 14)).padStart(2, '0')}-0${1 + (c % 9)}-15`,
    });
    for (let s = 1; s <= size.sitesPerCustomer; s++) {
      const site = `site-${c}-${s}`;
      object('Site', site, {
        name: `Station ${c}.${s}`,
        address: `${s} Water Lane, District ${c}`,
        latitude: 51.4 + random() * 0.2,
        longitude: -0.2 + random() * 0.3,
        status: random() < 0.9 ? 'operational' : 'maintenance',
        accessNotes: `gate code ${Math.floor(random() * 9000 + 1000)}`,
        commissionedOn: '2019-06-01',
      });
      link('ownedBy', 'Site', site, 'Customer', customer);
      for (let p = 1; p <= size.pumpsPerSite; p++) {
        const pump = `pump-${c}-${s}-${p}`;
        const modelIndex = Math.floor(random() * MODELS.length);
        pumps.push(pump);
        object(
          'Pump',
          pump,
          {
            serialNumber: `SN-${c}${s}${p}-${Math.floor(random() * 1e6)}`,
            model: MODELS[modelIndex],
            status: random() < 0.85 ? 'running' : 'stopped',
            ratedFlowLps: Math.round(20 + random() * 80),
            ratedPressureBar: Math.round((4 + random() * 12) * 10) / 10,
            installedOn: '2021-03-10',
            lastServicedAt: new Date(now - Math.floor(random() * 200) * 86_400_000).toISOString(),
            tags: [pick(['duty', 'standby']), pick(['potable', 'waste'])],
          },
          embedding(random, modelIndex),
        );
        link('installedAt', 'Pump', pump, 'Site', site, { position: `bay ${p}` });
        for (let n = 1; n <= size.sensorsPerPump; n++) {
          const sensor = `sensor-${c}-${s}-${p}-${n}`;
          const kind = n % 2 === 1 ? 'vibration' : 'pressure';
          object('Sensor', sensor, {
            kind,
            unit: kind === 'vibration' ? 'mm/s' : 'bar',
            lastReading: Math.round(random() * 100) / 10,
            lastReadingAt: new Date(now).toISOString(),
            alarmThresholds: kind === 'vibration' ? [4.5, 7.1] : [2, 12],
            calibration: { calibratedAt: '2026-01-10', offset: 0.02 },
          });
          link('monitors', 'Sensor', sensor, 'Pump', pump, { mountPoint: n % 2 === 1 ? 'drive end' : 'discharge' });
        }
      }
    }
  }
  const technicians: string[] = [];
  for (let i = 1; i <= size.technicians; i++) {
    const technician = `tech-${i}`;
    technicians.push(technician);
    object('Technician', technician, {
      name: `Technician ${i}`,
      email: `tech${i}@demo-utilities.example`,
      phone: `+44 7700 900${String(100 + i)}`,
      skills: [pick(SKILLS), pick(SKILLS)],
      onCall: i % 3 === 0,
    });
  }
  for (let w = 1; w <= size.workOrders; w++) {
    const workOrder = `wo-${w}`;
    object('WorkOrder', workOrder, {
      title: `Inspect pump (${w})`,
      kind: pick(['inspection', 'repair', 'calibration']),
      priority: 1 + Math.floor(random() * 4),
      status: pick(['open', 'scheduled', 'done']),
      scheduledFor: `2026-12-${String(1 + (w % 28)).padStart(2, '0')}`,
      notes: 'created by the demo',
    });
    link('targets', 'WorkOrder', workOrder, 'Pump', pick(pumps));
    if (w % 2 === 0) link('assignedTo', 'WorkOrder', workOrder, 'Technician', pick(technicians), { role: 'lead' });
  }
  return events;
}

/** A live reading for one sensor: what the demo streams while it runs. */
export function sensorReading(sensorIndex: number, sourceVersion: number, random: () => number = Math.random): ObjectChange {
  const size = DEFAULT_DEMO_SIZE;
  const perCustomer = size.sitesPerCustomer * size.pumpsPerSite * size.sensorsPerPump;
  const c = 1 + Math.floor(sensorIndex / perCustomer) % size.customers;
  const rest = sensorIndex % perCustomer;
  const s = 1 + Math.floor(rest / (size.pumpsPerSite * size.sensorsPerPump));
  const p = 1 + Math.floor((rest % (size.pumpsPerSite * size.sensorsPerPump)) / size.sensorsPerPump);
  const n = 1 + (rest % size.sensorsPerPump);
  const kind = n % 2 === 1 ? 'vibration' : 'pressure';
  return {
    tenantId: DEMO_TENANT_ID,
    eventId: crypto.randomUUID(),
    op: 'UPSERT',
    objectType: 'Sensor',
    objectId: `sensor-${c}-${s}-${p}-${n}`,
    properties: JSON.stringify({
      kind,
      unit: kind === 'vibration' ? 'mm/s' : 'bar',
      lastReading: Math.round(random() * 100) / 10,
      lastReadingAt: new Date().toISOString(),
      alarmThresholds: kind === 'vibration' ? [4.5, 7.1] : [2, 12],
      calibration: { calibratedAt: '2026-01-10', offset: 0.02 },
    }),
    embedding: null,
    sourceVersion,
    occurredAt: Date.now(),
  };
}
