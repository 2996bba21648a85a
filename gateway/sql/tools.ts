// Reads of `tool_catalog`: the action types agents may propose. A published (name, version) is
// immutable, so "the tool" usually means its latest version.
import type { Queryable } from '../tenant-transaction.ts';

export interface ToolRecord {
  readonly name: string;
  readonly version: number;
  readonly description: string;
  readonly parameterSchema: Record<string, unknown>;
  readonly effects: Record<string, unknown>;
  readonly effectKind: string;
  readonly irreversible: boolean;
  readonly baseRisk: string;
  readonly createdAt: Date;
}

interface ToolRow {
  name: string;
  version: number;
  description: string;
  parameter_schema: Record<string, unknown>;
  effects: Record<string, unknown>;
  effect_kind: string;
  irreversible: boolean;
  base_risk: string;
  created_at: Date;
}

const TOOL_COLUMNS = 't.name, t.version, t.description, t.parameter_schema, t.effects, t.effect_kind, t.irreversible, t.base_risk, t.created_at';

export async function listTools(db: Queryable, options: { name: string | null; allVersions: boolean }): Promise<ToolRecord[]> {
  const { rows } = await db.query<ToolRow>(
    options.allVersions
      ? `SELECT ${TOOL_COLUMNS} FROM tool_catalog t WHERE ($1::text IS NULL OR t.name = $1) ORDER BY t.name, t.version`
      : `SELECT DISTINCT ON (t.name) ${TOOL_COLUMNS} FROM tool_catalog t WHERE ($1::text IS NULL OR t.name = $1) ORDER BY t.name, t.version DESC`,
    [options.name],
  );
  return rows.map(mapToolRow);
}

/** Tools by (name, version), keyed `name@version`. */
export async function toolsByVersion(db: Queryable, keys: readonly { name: string; version: number }[]): Promise<Map<string, ToolRecord>> {
  if (keys.length === 0) return new Map();
  const { rows } = await db.query<ToolRow>(
    `SELECT ${TOOL_COLUMNS} FROM tool_catalog t
     JOIN unnest($1::text[], $2::int[]) AS k(name, version) ON k.name = t.name AND k.version = t.version`,
    [keys.map((key) => key.name), keys.map((key) => key.version)],
  );
  return new Map(rows.map((row) => [toolKey(row.name, row.version), mapToolRow(row)]));
}

export function toolKey(name: string, version: number): string {
  return `${name}@${version}`;
}

function mapToolRow(row: ToolRow): ToolRecord {
  return {
    name: row.name,
    version: row.version,
    description: row.description,
    parameterSchema: row.parameter_schema,
    effects: row.effects,
    effectKind: row.effect_kind,
    irreversible: row.irreversible,
    baseRisk: row.base_risk,
    createdAt: row.created_at,
  };
}
