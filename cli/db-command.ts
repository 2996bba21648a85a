// `l3 db provision [name]` creates (idempotently) the platform database with its roles and applies
// the migrations; `l3 db migrate --database-url URL` applies pending migrations to any database.
import { CliError } from './cli-error.ts';
import { loadCliConfig } from './config.ts';
import { migrate } from './migrate.ts';
import { provisionDatabase } from './provision-database.ts';

/** The platform's database in the embedded stack. */
export const PLATFORM_DATABASE = 'aix_l3';

export async function dbCommand(args: string[]): Promise<number> {
  const [verb, ...rest] = args;
  switch (verb) {
    case 'provision': {
      const urls = await provisionDatabase(loadCliConfig().postgresAdminUrl, rest[0] ?? PLATFORM_DATABASE);
      console.log(`DATABASE_URL=${urls.processor}\nGATEWAY_DATABASE_URL=${urls.gateway}\nOWNER_DATABASE_URL=${urls.owner}`);
      return 0;
    }
    case 'migrate': {
      const index = rest.indexOf('--database-url');
      const url = index >= 0 ? rest[index + 1] : undefined;
      if (!url) throw new CliError('USAGE', 'usage: l3 db migrate --database-url postgres://owner@host/db');
      const applied = await migrate(url, (line) => console.error(`[migrate] ${line}`));
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'no pending migrations');
      return 0;
    }
    default:
      throw new CliError('USAGE', `unknown db verb "${verb ?? ''}"; use provision or migrate`);
  }
}
