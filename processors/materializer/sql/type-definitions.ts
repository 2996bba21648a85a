// Applies one TypeDefChange (docs/adr/0004, "Type definitions"). Definitions are rare, so each is
// its own statement group, inside a savepoint: a refused definition (in use, bad endpoint type)
// is dead-lettered without aborting the batch's transaction.
import type { ClientBase } from 'pg';
import type { PropertyDef, TypeDefChange } from '../../../contracts/generated/type-def-change.ts';

export type TypeDefOutcome =
  | { readonly kind: 'applied'; readonly after: Record<string, unknown> }
  | { readonly kind: 'ignored' }
  | { readonly kind: 'rejected'; readonly errorClass: 'UNKNOWN_TYPE' | 'TYPE_IN_USE' | 'INVALID_DEFINITION'; readonly message: string };

const FOREIGN_KEY_VIOLATION = '23503';

export async function applyTypeDef(tx: ClientBase, change: TypeDefChange): Promise<TypeDefOutcome> {
  await tx.query('SAVEPOINT typedef');
  try {
    const outcome = await apply(tx, change);
    await tx.query(outcome.kind === 'rejected' ? 'ROLLBACK TO SAVEPOINT typedef' : 'RELEASE SAVEPOINT typedef');
    return outcome;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === FOREIGN_KEY_VIOLATION) {
      await tx.query('ROLLBACK TO SAVEPOINT typedef');
      return { kind: 'rejected', errorClass: 'TYPE_IN_USE', message: `${change.kind} ${change.name}: ${(error as Error).message}` };
    }
    throw error;
  }
}

async function apply(tx: ClientBase, change: TypeDefChange): Promise<TypeDefOutcome> {
  const tenantId = change.tenantId;
  // The first definition of a tenant creates it.
  await tx.query('INSERT INTO tenants (tenant_id, name) VALUES ($1::uuid, $1::text) ON CONFLICT (tenant_id) DO NOTHING', [tenantId]);
  switch (change.kind) {
    case 'OBJECT_TYPE':
      return applyObjectType(tx, change);
    case 'LINK_TYPE':
      return applyLinkType(tx, change);
    case 'TOOL':
      return applyTool(tx, change);
  }
}

async function storedVersion(tx: ClientBase, table: 'object_types' | 'link_types', tenantId: string, name: string): Promise<{ id: string; version: number } | undefined> {
  const { rows } = await tx.query<{ id: string; version: string }>(`SELECT id, version FROM ${table} WHERE tenant_id = $1 AND name = $2`, [tenantId, name]);
  return rows[0] ? { id: rows[0].id, version: Number(rows[0].version) } : undefined;
}

async function applyObjectType(tx: ClientBase, change: TypeDefChange): Promise<TypeDefOutcome> {
  const stored = await storedVersion(tx, 'object_types', change.tenantId, change.name);
  if (stored && change.version <= stored.version) return { kind: 'ignored' };
  if (change.op === 'DELETE') {
    if (!stored) return { kind: 'ignored' };
    const used = await tx.query('SELECT 1 FROM objects WHERE tenant_id = $1 AND object_type_id = $2 LIMIT 1', [change.tenantId, stored.id]);
    if ((used.rowCount ?? 0) > 0) return { kind: 'rejected', errorClass: 'TYPE_IN_USE', message: `object type ${change.name} still has objects` };
    await tx.query('DELETE FROM object_types WHERE tenant_id = $1 AND id = $2', [change.tenantId, stored.id]);
    return { kind: 'applied', after: { name: change.name, deleted: true, version: change.version } };
  }
  const definition = change.objectType;
  if (!definition) return { kind: 'rejected', errorClass: 'INVALID_DEFINITION', message: `OBJECT_TYPE ${change.name} UPSERT carries no objectType body` };
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO object_types AS t (tenant_id, name, description, version) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant_id, name) DO UPDATE SET description = EXCLUDED.description, version = EXCLUDED.version, updated_at = now()
     RETURNING id`,
    [change.tenantId, change.name, definition.description, change.version],
  );
  const typeId = rows[0]!.id;
  const properties = definition.properties;
  await tx.query(
    `INSERT INTO object_properties AS p (tenant_id, object_type_id, name, data_type, required, indexed, sensitive, description, version)
     SELECT $1, $2, d.name, d.data_type, d.required, d.indexed, d.sensitive, d.description, $3
     FROM unnest($4::text[], $5::text[], $6::boolean[], $7::boolean[], $8::boolean[], $9::text[])
       AS d(name, data_type, required, indexed, sensitive, description)
     ON CONFLICT (tenant_id, object_type_id, name) DO UPDATE SET data_type = EXCLUDED.data_type, required = EXCLUDED.required,
       indexed = EXCLUDED.indexed, sensitive = EXCLUDED.sensitive, description = EXCLUDED.description, version = EXCLUDED.version,
       updated_at = now()`,
    [
      change.tenantId,
      typeId,
      change.version,
      properties.map((p) => p.name),
      properties.map((p) => p.dataType.toLowerCase()),
      properties.map((p) => p.required),
      properties.map((p) => p.indexed),
      properties.map((p) => p.sensitive),
      properties.map((p) => p.description ?? ''),
    ],
  );
  // A newer definition is the complete list: properties it no longer names are dropped.
  await tx.query('DELETE FROM object_properties WHERE tenant_id = $1 AND object_type_id = $2 AND NOT (name = ANY($3::text[]))', [
    change.tenantId,
    typeId,
    properties.map((p) => p.name),
  ]);
  return { kind: 'applied', after: { name: change.name, description: definition.description, properties, version: change.version } };
}

async function applyLinkType(tx: ClientBase, change: TypeDefChange): Promise<TypeDefOutcome> {
  const stored = await storedVersion(tx, 'link_types', change.tenantId, change.name);
  if (stored && change.version <= stored.version) return { kind: 'ignored' };
  if (change.op === 'DELETE') {
    if (!stored) return { kind: 'ignored' };
    const used = await tx.query(
      '(SELECT 1 FROM links WHERE tenant_id = $1 AND link_type_id = $2 LIMIT 1) UNION ALL (SELECT 1 FROM pending_links WHERE tenant_id = $1 AND link_type_id = $2 LIMIT 1)',
      [change.tenantId, stored.id],
    );
    if ((used.rowCount ?? 0) > 0) return { kind: 'rejected', errorClass: 'TYPE_IN_USE', message: `link type ${change.name} still has links` };
    await tx.query('DELETE FROM link_types WHERE tenant_id = $1 AND id = $2', [change.tenantId, stored.id]);
    return { kind: 'applied', after: { name: change.name, deleted: true, version: change.version } };
  }
  const definition = change.linkType;
  if (!definition) return { kind: 'rejected', errorClass: 'INVALID_DEFINITION', message: `LINK_TYPE ${change.name} UPSERT carries no linkType body` };
  const endpoints = await tx.query<{ name: string; id: string }>('SELECT name, id FROM object_types WHERE tenant_id = $1 AND name = ANY($2::text[])', [
    change.tenantId,
    [definition.fromType, definition.toType],
  ]);
  const idOf = new Map(endpoints.rows.map((row) => [row.name, row.id]));
  const fromId = idOf.get(definition.fromType);
  const toId = idOf.get(definition.toType);
  if (!fromId || !toId) {
    return { kind: 'rejected', errorClass: 'UNKNOWN_TYPE', message: `link type ${change.name} names undefined object type ${!fromId ? definition.fromType : definition.toType}` };
  }
  await tx.query(
    `INSERT INTO link_types AS l (tenant_id, name, from_object_type_id, to_object_type_id, cardinality, description, version, property_defs)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (tenant_id, name) DO UPDATE SET from_object_type_id = EXCLUDED.from_object_type_id,
       to_object_type_id = EXCLUDED.to_object_type_id, cardinality = EXCLUDED.cardinality, description = EXCLUDED.description,
       version = EXCLUDED.version, property_defs = EXCLUDED.property_defs, updated_at = now()`,
    [change.tenantId, change.name, fromId, toId, definition.cardinality, definition.description, change.version, JSON.stringify(definition.properties.map(propertyDefJson))],
  );
  return { kind: 'applied', after: { name: change.name, ...definition, version: change.version } };
}

function propertyDefJson(p: PropertyDef): Record<string, unknown> {
  return { name: p.name, dataType: p.dataType.toLowerCase(), required: p.required, indexed: p.indexed, sensitive: p.sensitive, description: p.description };
}

async function applyTool(tx: ClientBase, change: TypeDefChange): Promise<TypeDefOutcome> {
  // A published (name, version) is immutable: proposals pin it and their binding hash covers it.
  if (change.op === 'DELETE') {
    const deleted = await tx.query('DELETE FROM tool_catalog WHERE tenant_id = $1 AND name = $2 AND version = $3', [change.tenantId, change.name, change.version]);
    return (deleted.rowCount ?? 0) > 0 ? { kind: 'applied', after: { name: change.name, version: change.version, deleted: true } } : { kind: 'ignored' };
  }
  const tool = change.tool;
  if (!tool) return { kind: 'rejected', errorClass: 'INVALID_DEFINITION', message: `TOOL ${change.name} UPSERT carries no tool body` };
  let parameterSchema: unknown;
  let effects: unknown;
  try {
    parameterSchema = JSON.parse(tool.parametersSchema);
    effects = JSON.parse(tool.effects);
  } catch (error) {
    return { kind: 'rejected', errorClass: 'INVALID_DEFINITION', message: `TOOL ${change.name}: ${(error as Error).message}` };
  }
  const inserted = await tx.query(
    `INSERT INTO tool_catalog (tenant_id, name, version, description, parameter_schema, effects, effect_kind, base_risk, irreversible)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (tenant_id, name, version) DO NOTHING`,
    [change.tenantId, change.name, change.version, tool.description, JSON.stringify(parameterSchema), JSON.stringify(effects), tool.effectKind, tool.baseRisk, tool.irreversible],
  );
  if ((inserted.rowCount ?? 0) === 0) return { kind: 'ignored' };
  return { kind: 'applied', after: { name: change.name, version: change.version, description: tool.description, effectKind: tool.effectKind, baseRisk: tool.baseRisk, irreversible: tool.irreversible } };
}
