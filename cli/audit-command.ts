// `l3 audit ...`: the audit chain verifier and its signed checkpoints (ARCHITECTURE §7).
//   verify --tenant UUID [--database-url URL]
//   checkpoint export --tenant UUID [--out FILE] [--database-url URL]
//   checkpoint verify --checkpoint FILE --public-key FILE [--tenant UUID] [--database-url URL]
//   keygen --out-dir DIR
// The chain is read with the platform database's superuser by default (audit_events is forced
// under row-level security, so the read also sets app.tenant_id and works as any role that may
// SELECT it), in one read-only snapshot, a page at a time.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { compareWithCheckpoint, parseCheckpoint, signCheckpoint, verifyCheckpointSignature } from '../runtime/audit/checkpoint.ts';
import type { Checkpoint } from '../runtime/audit/checkpoint.ts';
import { verifyChain } from '../runtime/audit/verify-chain.ts';
import type { ChainHead, ChainRow, ChainVerification } from '../runtime/audit/verify-chain.ts';
import { loadAuditSigningConfig } from './audit-config.ts';
import { CliError } from './cli-error.ts';
import { loadCliConfig } from './config.ts';
import { PLATFORM_DATABASE } from './db-command.ts';

const USAGE = [
  'usage: l3 audit verify --tenant UUID [--database-url URL]',
  '       l3 audit checkpoint export --tenant UUID [--out FILE] [--database-url URL]',
  '       l3 audit checkpoint verify --checkpoint FILE --public-key FILE [--tenant UUID] [--database-url URL]',
  '       l3 audit keygen --out-dir DIR',
].join('\n');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE_SIZE = 10_000;
const SIGNING_KEY_FILE = 'audit-signing-key.pem';
const PUBLIC_KEY_FILE = 'audit-public-key.pem';

export async function auditCommand(args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  switch (verb) {
    case 'verify':
      return verifyCommand(rest);
    case 'checkpoint': {
      const [sub, ...subRest] = rest;
      if (sub === 'export') return checkpointExport(subRest);
      if (sub === 'verify') return checkpointVerify(subRest);
      throw new CliError('USAGE', sub === undefined ? USAGE : `unknown audit checkpoint verb "${sub}"; use export or verify\n${USAGE}`);
    }
    case 'keygen':
      return keygen(rest);
    default:
      throw new CliError('USAGE', verb === undefined ? USAGE : `unknown audit verb "${verb}"\n${USAGE}`);
  }
}

async function verifyCommand(args: string[]): Promise<number> {
  const options = parse(args, { tenant: { type: 'string' }, 'database-url': { type: 'string' } });
  const tenantId = tenant(options.tenant, true);
  const { chain } = await readChain(databaseUrl(options['database-url']), tenantId);
  console.log(chainOk(requireIntact(chain)));
  return 0;
}

async function checkpointExport(args: string[]): Promise<number> {
  const options = parse(args, { tenant: { type: 'string' }, out: { type: 'string' }, 'database-url': { type: 'string' } });
  const tenantId = tenant(options.tenant, true);
  // Before touching the database: a missing key is the likelier mistake.
  const signing = loadAuditSigningConfig();
  const { chain } = await readChain(databaseUrl(options['database-url']), tenantId);
  // A checkpoint vouches for the chain up to its head, so a broken chain is never signed.
  const intact = requireIntact(chain);
  if (intact.head === null) throw new CliError('AUDIT_CHAIN_EMPTY', `tenant ${tenantId} has no audit events yet: there is no head to checkpoint`);
  const checkpoint = signCheckpoint({ tenantId, seq: intact.head.seq, hash: intact.head.hash }, signing.signingKeyPem, signing.keyId);
  const text = `${JSON.stringify(checkpoint, null, 2)}\n`;
  const summary = `checkpoint of tenant ${tenantId}: seq ${checkpoint.seq} hash ${checkpoint.hash}, signed by ${checkpoint.keyId} at ${checkpoint.createdAt}`;
  if (options.out === undefined) {
    process.stdout.write(text);
    console.error(summary);
  } else {
    writeNewFile(options.out, text, 0o644);
    console.log(`${summary}; written to ${options.out}`);
  }
  return 0;
}

async function checkpointVerify(args: string[]): Promise<number> {
  const options = parse(args, {
    checkpoint: { type: 'string' },
    'public-key': { type: 'string' },
    tenant: { type: 'string' },
    'database-url': { type: 'string' },
  });
  if (options.checkpoint === undefined || options['public-key'] === undefined) {
    throw new CliError('USAGE', `checkpoint verify needs --checkpoint FILE and --public-key FILE\n${USAGE}`);
  }
  const checkpoint = readCheckpoint(options.checkpoint);
  const expectedTenant = tenant(options.tenant, false);
  if (expectedTenant !== undefined && expectedTenant.toLowerCase() !== checkpoint.tenantId.toLowerCase()) {
    throw new CliError('AUDIT_CHECKPOINT_INVALID', `${options.checkpoint} is a checkpoint of tenant ${checkpoint.tenantId}, not of tenant ${expectedTenant}`);
  }
  const publicKeyPem = readText(options['public-key'], 'public key');
  let signed: boolean;
  try {
    signed = verifyCheckpointSignature(checkpoint, publicKeyPem);
  } catch (error) {
    throw new CliError('USAGE', `${options['public-key']} is not an Ed25519 public key: ${(error as Error).message}`, { cause: error });
  }
  if (!signed) {
    throw new CliError('AUDIT_CHECKPOINT_INVALID', `the signature of ${options.checkpoint} (key id ${checkpoint.keyId}) does not verify with ${options['public-key']}: wrong key, or the checkpoint was altered`);
  }
  const { chain, hashAtSeq } = await readChain(databaseUrl(options['database-url']), checkpoint.tenantId, checkpoint.seq);
  const intact = requireIntact(compareWithCheckpoint(chain, hashAtSeq, checkpoint));
  console.log(`checkpoint ok: tenant ${checkpoint.tenantId} seq ${checkpoint.seq} hash ${checkpoint.hash}, signed by ${checkpoint.keyId} at ${checkpoint.createdAt}`);
  console.log(chainOk(intact));
  return 0;
}

function keygen(args: string[]): number {
  const options = parse(args, { 'out-dir': { type: 'string' } });
  const dir = options['out-dir'];
  if (dir === undefined) throw new CliError('USAGE', `keygen needs --out-dir DIR\n${USAGE}`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519', {
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  mkdirSync(dir, { recursive: true });
  const privatePath = join(dir, SIGNING_KEY_FILE);
  const publicPath = join(dir, PUBLIC_KEY_FILE);
  writeNewFile(privatePath, privateKey, 0o600);
  writeNewFile(publicPath, publicKey, 0o644);
  // A key id derived from the public key: unique per key, and checkable against the key file.
  const keyId = `dev-${createHash('sha256').update(publicKey).digest('hex').slice(0, 16)}`;
  console.log(`wrote ${privatePath} (Ed25519 private key, PKCS#8; DEV ONLY, keep it secret) and ${publicPath}`);
  console.log(`export L3_AUDIT_SIGNING_KEY="$(cat ${resolve(privatePath)})" L3_AUDIT_KEY_ID=${keyId}`);
  return 0;
}

interface ReadChain {
  readonly chain: ChainVerification;
  /** The hash of the row at `hashOfSeq`, if asked for and the chain reached it. */
  readonly hashAtSeq: string | undefined;
}

// Reads and verifies page by page (keyset on seq), in one read-only snapshot so that appends
// made meanwhile neither appear half-way nor move the head under the verifier.
async function readChain(url: string, tenantId: string, hashOfSeq?: number): Promise<ReadChain> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query("SELECT set_config('app.tenant_id', $1, true)", [tenantId]);
    let head: ChainHead | null = null;
    let hashAtSeq: string | undefined;
    for (;;) {
      const { rows } = await client.query<{ seq: string; prev_hash: string; hash: string; event: unknown }>(
        'SELECT seq, prev_hash, hash, event FROM audit_events WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3',
        [tenantId, head?.seq ?? 0, PAGE_SIZE],
      );
      const page: ChainRow[] = rows.map((r) => ({ seq: Number(r.seq), prevHash: r.prev_hash, hash: r.hash, event: r.event }));
      const chain = verifyChain(page, head);
      if (!chain.ok) return { chain, hashAtSeq };
      hashAtSeq ??= page.find((row) => row.seq === hashOfSeq)?.hash;
      head = chain.head;
      if (rows.length < PAGE_SIZE) return { chain, hashAtSeq };
    }
  } catch (error) {
    throw new CliError('AUDIT_DATABASE', `cannot read the audit chain of tenant ${tenantId} from ${redact(url)}: ${(error as Error).message}`, { cause: error });
  } finally {
    await client.end().catch(() => {});
  }
}

function requireIntact(chain: ChainVerification): Extract<ChainVerification, { ok: true }> {
  if (!chain.ok) throw new CliError('AUDIT_CHAIN_BROKEN', `first bad row: seq ${chain.firstBadSeq}: ${chain.reason}`);
  return chain;
}

function chainOk(chain: Extract<ChainVerification, { ok: true }>): string {
  return chain.head === null ? 'chain ok: 0 events (empty chain)' : `chain ok: ${chain.length} events, head seq ${chain.head.seq} hash ${chain.head.hash}`;
}

function databaseUrl(given: string | undefined): string {
  if (given !== undefined) {
    try {
      new URL(given);
    } catch {
      throw new CliError('USAGE', `--database-url is not a valid URL: "${given}"`);
    }
    return given;
  }
  const url = new URL(loadCliConfig().postgresAdminUrl);
  url.pathname = `/${PLATFORM_DATABASE}`;
  return url.toString();
}

function tenant(value: string | undefined, required: true): string;
function tenant(value: string | undefined, required: false): string | undefined;
function tenant(value: string | undefined, required: boolean): string | undefined {
  if (value === undefined) {
    if (required) throw new CliError('USAGE', `--tenant UUID is required\n${USAGE}`);
    return undefined;
  }
  if (!UUID.test(value)) throw new CliError('USAGE', `--tenant must be a UUID, got "${value}"`);
  return value;
}

function readCheckpoint(file: string): Checkpoint {
  const text = readText(file, 'checkpoint');
  try {
    return parseCheckpoint(JSON.parse(text));
  } catch (error) {
    throw new CliError('AUDIT_CHECKPOINT_INVALID', `${file} is not a checkpoint: ${(error as Error).message}`, { cause: error });
  }
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError('USAGE', `cannot read ${what} file ${file}: ${(error as Error).message}`, { cause: error });
  }
}

// Never overwrites: a key or a checkpoint replaced by accident is evidence lost.
function writeNewFile(file: string, text: string, mode: number): void {
  try {
    writeFileSync(file, text, { flag: 'wx', mode });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'EEXIST' ? 'it already exists (not overwritten)' : (error as Error).message;
    throw new CliError('USAGE', `cannot write ${file}: ${reason}`, { cause: error });
  }
}

function parse<O extends Record<string, { type: 'string' }>>(args: string[], options: O): { [K in keyof O]?: string } {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as { [K in keyof O]?: string };
  } catch (error) {
    throw new CliError('USAGE', `${(error as Error).message}\n${USAGE}`);
  }
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(invalid URL)';
  }
}
