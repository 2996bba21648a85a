// Where the platform database (`l3 up`, `l3 db provision`) is, per role, without provisioning
// anything: commands that only read or write through it (`l3 actions`) take their URLs from here.
// The same URLs provisionDatabase returns for PLATFORM_DATABASE, built from the cluster's
// superuser URL (loadCliConfig().postgresAdminUrl) and the DEV roles, so DEV ONLY like them.
import { PLATFORM_DATABASE } from './db-command.ts';
import { DEV_ROLES, type DatabaseUrls } from './provision-database.ts';

export function platformDatabaseUrls(postgresAdminUrl: string, databaseName: string = PLATFORM_DATABASE): DatabaseUrls {
  const as = (role?: { name: string; password: string }): string => {
    const url = new URL(postgresAdminUrl);
    url.pathname = `/${databaseName}`;
    if (role !== undefined) {
      // The URL setters percent-encode what needs it.
      url.username = role.name;
      url.password = role.password;
    }
    return url.toString();
  };
  return Object.freeze({ admin: as(), owner: as(DEV_ROLES.owner), gateway: as(DEV_ROLES.gateway), processor: as(DEV_ROLES.processor) });
}
