// What a target gets when its labels say nothing, read from the env conventions of the official images, so that
// `backup.enabled=true` + `backup.postgres.main.databases=all` works on a stock postgres container.
import type { CredentialSource, TargetType } from '../model.js';
import { envCredential } from './credentials.js';

export interface EngineDefaults {
  username?: string;
  password?: CredentialSource;
  port?: number;
  databases?: 'all';
  path?: string;
}

const PORTS: Partial<Record<TargetType, number>> = { postgres: 5432, mariadb: 3306, mysql: 3306, mongo: 27017, redis: 6379 };

interface Account {
  user: string | undefined;
  password: string;
}

/**
 * The accounts an image's env defines, best first; a username label picks the matching one. The env is read only
 * for the engines that have accounts: discovery derives a `start` event's config before the inspect answers when
 * the parse did not look at the env at all (fs, volume, sqlite targets), so reading it needlessly costs that.
 */
function accounts(type: TargetType, env: ReadonlyMap<string, string>): Account[] {
  const mariadb = (): Account[] => [
    { user: 'root', password: 'MARIADB_ROOT_PASSWORD' },
    { user: env.get('MARIADB_USER'), password: 'MARIADB_PASSWORD' },
  ];
  const mysql = (): Account[] => [
    { user: 'root', password: 'MYSQL_ROOT_PASSWORD' },
    { user: env.get('MYSQL_USER'), password: 'MYSQL_PASSWORD' },
  ];
  switch (type) {
    case 'postgres':
      return [{ user: env.get('POSTGRES_USER') || 'postgres', password: 'POSTGRES_PASSWORD' }];
    // The mariadb image accepts the MYSQL_* names too (and people label mariadb containers `mysql`).
    case 'mariadb': {
      const [ma, my] = [mariadb(), mysql()];
      return [ma[0]!, my[0]!, ma[1]!, my[1]!];
    }
    case 'mysql': {
      const [ma, my] = [mariadb(), mysql()];
      return [my[0]!, ma[0]!, my[1]!, ma[1]!];
    }
    case 'mongo':
      return [{ user: env.get('MONGO_INITDB_ROOT_USERNAME'), password: 'MONGO_INITDB_ROOT_PASSWORD' }];
    case 'redis':
      return [{ user: undefined, password: 'REDIS_PASSWORD' }];
    default:
      return [];
  }
}

/**
 * Defaults for one target. With `username` given by a label, only an account of that user lends its password;
 * without, the first account whose password is in the env wins (root before the app user).
 */
export function engineDefaults(type: TargetType, env: ReadonlyMap<string, string>, username?: string): EngineDefaults {
  const out: EngineDefaults = {};
  const port = PORTS[type];
  if (port !== undefined) out.port = port;
  if (type === 'postgres' || type === 'mariadb' || type === 'mysql' || type === 'mongo') out.databases = 'all';
  if (type === 'redis') out.path = '/data';

  // An account without a user (MARIADB_PASSWORD but no MARIADB_USER) is meaningless, except redis' default user.
  const candidates = accounts(type, env).filter((a) =>
    a.user === undefined ? type === 'redis' : username === undefined || a.user === username,
  );
  for (const account of candidates) {
    const password = envCredential(account.password, env);
    if (password) {
      out.password = password;
      if (account.user !== undefined) out.username = account.user;
      break;
    }
  }
  // postgres always has a user (trust auth needs one too); mongo/mariadb without credentials connect anonymously.
  if (out.username === undefined && type === 'postgres') out.username = env.get('POSTGRES_USER') || 'postgres';
  if (username !== undefined) out.username = username;
  return out;
}
