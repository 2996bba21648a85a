// The demo ontology (examples/ontology/demo.yaml: object types, link types, the tool catalog),
// rewritten for a benchmark's tenant, and applied the way the materializer applies it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { parseOntology, toTypeDefChanges, validateOntology, type OntologyFile } from '../../ontology/index.ts';
import { applyTypeDef } from '../../processors/materializer/sql/type-definitions.ts';

const DEMO_FILE = join(import.meta.dirname, '..', '..', 'examples', 'ontology', 'demo.yaml');

/** The demo ontology with `tenantId` as its tenant. */
export function demoOntology(tenantId: string): OntologyFile {
  const text = readFileSync(DEMO_FILE, 'utf8').replace(/^(\s*id:\s*)[0-9a-f-]{36}/m, `$1${tenantId}`);
  const parsed = parseOntology(text);
  const problems = [...parsed.errors, ...(parsed.value === undefined ? [] : validateOntology(parsed.value))];
  if (problems.length > 0 || parsed.value === undefined) throw new Error(`examples/ontology/demo.yaml is invalid: ${JSON.stringify(problems)}`);
  return parsed.value as OntologyFile;
}

/**
 * Applies `ontology` with the materializer's own applyTypeDef, on a connection of the
 * l3_processor role inside a transaction that has set `app.tenant_id` to the ontology's tenant.
 */
export async function applyOntology(client: pg.ClientBase, ontology: OntologyFile): Promise<void> {
  for (const change of toTypeDefChanges(ontology, { actor: 'bench', occurredAt: Date.now() })) {
    const outcome = await applyTypeDef(client, change);
    if (outcome.kind === 'rejected') throw new Error(`seeding the ontology: ${change.kind} ${change.name} rejected: ${outcome.message}`);
  }
}
