// PostgreSQL 16 with pgvector, from the `pgserver` wheel on PyPI (Debian bookworm ships no
// pgvector). Postgres refuses to run as root, so when the stack runs as root the server runs as an
// unprivileged OS user created for it.
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import type { StackConfig } from './config.ts';
import { StackError } from './errors.ts';
import { readPidRecord, removeFile, run, runOrThrow, writePidRecord, isOurs } from './process-control.ts';
import type { Service } from './service.ts';

/** Dev-only credentials of the stack's superuser (loopback only; never used outside the stack). */
export const POSTGRES_SUPERUSER = 'postgres';
export const POSTGRES_SUPERUSER_PASSWORD = 'l3-stack-superuser-dev';

export function postgresAdminUrl(config: StackConfig, database = 'postgres'): string {
  return `postgres://${POSTGRES_SUPERUSER}:${POSTGRES_SUPERUSER_PASSWORD}@${config.host}:${config.ports.postgres}/${database}`;
}

export class PostgresService implements Service {
  readonly name = 'postgres';
  readonly ports: readonly number[];
  readonly logFile: string;
  readonly #config: StackConfig;
  readonly #installDir: string;
  readonly #dataDir: string;
  readonly #socketDir: string;
  readonly #pidFile: string;

  constructor(config: StackConfig) {
    this.#config = config;
    this.ports = [config.ports.postgres];
    this.logFile = join(config.logsDir, 'postgres.log');
    this.#installDir = join(config.toolsDir, `pgserver-${config.versions.pgserver}`);
    this.#dataDir = join(config.dataDir, 'postgres');
    this.#socketDir = join(config.runDir, 'postgres-socket');
    this.#pidFile = join(config.runDir, 'postgres.pid');
  }

  get binDir(): string {
    return join(this.#installDir, 'pgserver', 'pginstall', 'bin');
  }

  async install(): Promise<void> {
    if (existsSync(join(this.binDir, 'postgres'))) return;
    const wheelDir = join(this.#config.cacheDir, 'pip');
    mkdirSync(wheelDir, { recursive: true });
    const version = this.#config.versions.pgserver;
    let wheel = findWheel(wheelDir, version);
    if (!wheel) {
      runOrThrow(`pip download pgserver==${version}`, 'python3', [
        '-m', 'pip', 'download', '--quiet', '--no-deps', '--only-binary=:all:', '-d', wheelDir, `pgserver==${version}`,
      ]);
      wheel = findWheel(wheelDir, version);
      if (!wheel) throw new StackError('INSTALL_FAILED', `pip downloaded no pgserver ${version} wheel into ${wheelDir}`);
    }
    // The binaries find their bundled libraries through an rpath into pgserver.libs/.
    mkdirSync(this.#installDir, { recursive: true });
    runOrThrow('unpacking the pgserver wheel', 'unzip', [
      '-q', '-o', wheel, 'pgserver/pginstall/*', 'pgserver.libs/*', '-d', this.#installDir,
    ]);
  }

  runningPid(): number | undefined {
    const record = readPidRecord(this.#pidFile);
    return isOurs(record) ? record.pid : undefined;
  }

  async isReady(): Promise<boolean> {
    if (this.runningPid() === undefined) return false;
    const probe = run(join(this.binDir, 'pg_isready'), ['-q', '-h', this.#config.host, '-p', String(this.#config.ports.postgres)]);
    return probe.status === 0;
  }

  async start(): Promise<void> {
    const osUser = this.#osUser();
    for (const dir of [this.#config.dataDir, this.#socketDir]) mkdirSync(dir, { recursive: true });
    // pg_ctl writes the log itself, as the OS user.
    writeFileSync(this.logFile, '', { flag: 'a' });
    if (osUser) for (const path of [this.#socketDir, this.logFile]) chownSync(path, osUser.uid, osUser.gid);
    if (!existsSync(join(this.#dataDir, 'PG_VERSION'))) this.#initdb(osUser);

    const options = [
      `-p ${this.#config.ports.postgres}`,
      `-c listen_addresses=${this.#config.host}`,
      `-c unix_socket_directories=${this.#socketDir}`,
      '-c max_connections=300',
      '-c shared_buffers=256MB',
      // The l3 roles must never see another tenant's rows; RLS does that. Logging slow statements
      // helps when a test deadline is hit on a loaded machine.
      '-c log_min_duration_statement=2000',
    ].join(' ');
    const started = this.#asOsUser(osUser, join(this.binDir, 'pg_ctl'), [
      'start', '-w', '-t', '120', '-D', this.#dataDir, '-l', this.logFile, '-o', options,
    ]);
    if (started.status !== 0) {
      throw new StackError('START_FAILED', `postgres did not start: ${(started.stderr || started.stdout).trim()}`, {
        logFile: this.logFile,
      });
    }
    const pid = Number(readFileSync(join(this.#dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    // The postmaster's command line holds its data directory: that identifies our server.
    writePidRecord(this.#pidFile, { pid, marker: this.#dataDir });
  }

  async stop(): Promise<void> {
    if (this.runningPid() === undefined) {
      removeFile(this.#pidFile);
      return;
    }
    const stopped = this.#asOsUser(this.#osUser(), join(this.binDir, 'pg_ctl'), ['stop', '-w', '-t', '60', '-m', 'fast', '-D', this.#dataDir]);
    if (stopped.status !== 0) {
      throw new StackError('STOP_FAILED', `pg_ctl stop failed: ${(stopped.stderr || stopped.stdout).trim()}`, { logFile: this.logFile });
    }
    removeFile(this.#pidFile);
  }

  /** Creates a login role and a database it owns, if they do not exist (used for the registry). */
  async ensureRoleAndDatabase(role: string, password: string, database: string): Promise<void> {
    const client = new pg.Client({ connectionString: postgresAdminUrl(this.#config) });
    await client.connect();
    try {
      // DDL takes no bind parameters: format() quotes the identifier (%I) and the literal (%L).
      const roleExists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      if (roleExists.rowCount === 0) {
        const ddl = await client.query<{ ddl: string }>("SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', $1::text, $2::text) AS ddl", [role, password]);
        await client.query(ddl.rows[0]!.ddl);
      }
      const dbExists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (dbExists.rowCount === 0) {
        const ddl = await client.query<{ ddl: string }>("SELECT format('CREATE DATABASE %I OWNER %I', $1::text, $2::text) AS ddl", [database, role]);
        await client.query(ddl.rows[0]!.ddl);
      }
    } finally {
      await client.end();
    }
  }

  #initdb(osUser: OsUser | undefined): void {
    mkdirSync(this.#dataDir, { recursive: true });
    const pwFile = join(this.#config.runDir, 'postgres-superuser.pw');
    writeFileSync(pwFile, POSTGRES_SUPERUSER_PASSWORD, { mode: 0o600 });
    if (osUser) {
      chownSync(this.#dataDir, osUser.uid, osUser.gid);
      chownSync(pwFile, osUser.uid, osUser.gid);
    }
    try {
      const result = this.#asOsUser(osUser, join(this.binDir, 'initdb'), [
        '-D', this.#dataDir, '-U', POSTGRES_SUPERUSER, `--pwfile=${pwFile}`,
        '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C',
      ]);
      if (result.status !== 0) {
        throw new StackError('START_FAILED', `initdb failed: ${(result.stderr || result.stdout).trim()}`, { logFile: this.logFile });
      }
    } finally {
      removeFile(pwFile);
    }
  }

  #osUser(): OsUser | undefined {
    if (process.getuid?.() !== 0) return undefined;
    const name = this.#config.postgresOsUser;
    let id = run('id', ['-u', name]);
    if (id.status !== 0) {
      runOrThrow(`creating the OS user ${name} to run Postgres`, 'useradd', [
        '--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name,
      ]);
      id = run('id', ['-u', name]);
    }
    const gid = Number(run('id', ['-g', name]).stdout.trim());
    const user = { name, uid: Number(id.stdout.trim()), gid };
    if (!canExecute(name, join(this.binDir, 'postgres'))) {
      grantTraversal(name, this.binDir);
      grantTraversal(name, this.#config.stackDir);
    }
    if (!canExecute(name, join(this.binDir, 'postgres'))) {
      throw new StackError(
        'START_FAILED',
        `the OS user ${name} cannot reach ${this.binDir}; every folder above the stack directory must be ` +
          `traversable by it (setfacl -m u:${name}:x <folder>) or set L3_STACK_DIR to a folder it can reach`,
      );
    }
    return user;
  }

  #asOsUser(user: OsUser | undefined, command: string, args: readonly string[]) {
    return user ? run('runuser', ['-u', user.name, '--', command, ...args]) : run(command, args);
  }
}

interface OsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

function canExecute(user: string, path: string): boolean {
  return run('runuser', ['-u', user, '--', 'test', '-x', path]).status === 0;
}

/**
 * The checkout may sit under a private folder (such as /root). Rather than opening those folders
 * to everyone, give only the Postgres OS user the right to pass through them (an ACL entry with
 * execute, no read), folder by folder up from the stack directory.
 */
function grantTraversal(user: string, stackDir: string): void {
  const folders: string[] = [];
  for (let dir = stackDir; dir !== dirname(dir); dir = dirname(dir)) folders.push(dir);
  folders.push('/');
  for (const folder of folders.reverse()) {
    if (run('runuser', ['-u', user, '--', 'test', '-x', folder]).status !== 0) {
      runOrThrow(`granting ${user} passage through ${folder}`, 'setfacl', ['-m', `u:${user}:x`, folder]);
    }
  }
}

function findWheel(dir: string, version: string): string | undefined {
  const name = readdirSync(dir).find((file) => file.startsWith(`pgserver-${version}-`) && file.endsWith('.whl'));
  return name ? join(dir, name) : undefined;
}
