// The detection rules, as data: which images are which database engine, which env names hold their credentials,
// and which applications keep their state where. Only what is sure: an image that merely may be a database is
// not one (a false suggestion would back up nothing and report success).
import type { DatabaseEngine } from '../model.js';

type ServerEngine = Exclude<DatabaseEngine, 'sqlite'>;

/** Image names (the last path segment) per engine; the official images, and the images built on them. */
export const ENGINE_IMAGES: Readonly<Record<ServerEngine, readonly string[]>> = {
  postgres: ['postgres', 'postgresql', 'postgis', 'timescaledb', 'timescaledb-ha', 'pgvector'],
  mariadb: ['mariadb'],
  mysql: ['mysql', 'mysql-server'],
  mongo: ['mongo', 'mongodb', 'mongodb-community-server'],
  redis: ['redis'],
};

/**
 * Password variables per engine, best first (the order parseLabels' engine defaults use: root before the app
 * user). `user` names the variable holding the matching user when that user is not the engine's default; a
 * candidate whose user variable is missing is skipped. Each name also counts when only `<NAME>_FILE` is set.
 */
export const CREDENTIAL_ENV: Readonly<Record<ServerEngine, ReadonlyArray<{ password: string; user?: string }>>> = {
  postgres: [{ password: 'POSTGRES_PASSWORD' }, { password: 'POSTGRESQL_POSTGRES_PASSWORD' }],
  mariadb: [{ password: 'MARIADB_ROOT_PASSWORD' }, { password: 'MYSQL_ROOT_PASSWORD' }, { password: 'MARIADB_PASSWORD', user: 'MARIADB_USER' }, { password: 'MYSQL_PASSWORD', user: 'MYSQL_USER' }],
  mysql: [{ password: 'MYSQL_ROOT_PASSWORD' }, { password: 'MARIADB_ROOT_PASSWORD' }, { password: 'MYSQL_PASSWORD', user: 'MYSQL_USER' }, { password: 'MARIADB_PASSWORD', user: 'MARIADB_USER' }],
  mongo: [{ password: 'MONGO_INITDB_ROOT_PASSWORD', user: 'MONGO_INITDB_ROOT_USERNAME' }],
  redis: [{ password: 'REDIS_PASSWORD' }],
};

/** Where redis keeps dump.rdb, per image layout; a suggestion needs a volume there (redis + persistence). */
export const REDIS_DATA_PATHS = ['/data', '/bitnami/redis/data'] as const;

/** SQLite files by name; `-wal`, `-shm` and `-journal` beside them are not databases of their own. */
export const SQLITE_EXTENSIONS = ['.db', '.sqlite', '.sqlite3'] as const;

/**
 * Applications whose whole state is one directory (config plus an embedded SQLite), copied cold with
 * `backup.stop=true`. `repository` matches the image repository exactly, or as a prefix when it ends in `/`.
 */
export const APP_DATA: ReadonlyArray<{ app: string; repository: string; path: string }> = [
  { app: 'Vaultwarden', repository: 'vaultwarden/server', path: '/data' },
  { app: 'Uptime Kuma', repository: 'louislam/uptime-kuma', path: '/app/data' },
  { app: 'Gitea', repository: 'gitea/gitea', path: '/data' },
  { app: 'Home Assistant', repository: 'homeassistant/home-assistant', path: '/config' },
  { app: 'Home Assistant', repository: 'home-assistant/home-assistant', path: '/config' },
  { app: 'Grafana', repository: 'grafana/grafana', path: '/var/lib/grafana' },
  { app: 'Grafana', repository: 'grafana/grafana-oss', path: '/var/lib/grafana' },
  { app: 'Node-RED', repository: 'nodered/node-red', path: '/data' },
  { app: 'a LinuxServer.io image', repository: 'linuxserver/', path: '/config' },
];
