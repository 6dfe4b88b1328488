import type { TargetType } from '@baqup/core';
import { fs } from './fs.js';
import { mariadb, mysql } from './mariadb.js';
import { mongo } from './mongo.js';
import { postgres } from './postgres.js';
import { redis } from './redis.js';
import { sqlite } from './sqlite.js';
import type { Engine } from './types.js';

export const ENGINES: Readonly<Record<TargetType, Engine>> = { postgres, mariadb, mysql, mongo, redis, sqlite, fs };

/** Engines that read files rather than talk to a server: these honour `backup.stop=true` by copying cold. */
export const COLD_CAPABLE: ReadonlySet<TargetType> = new Set(['fs', 'sqlite']);

export { type EngineContext, type EngineOutput, type PlanStep, type RestorePlan, type RestoreOptions, type Engine } from './types.js';
export {
  pgConnection,
  pgDumpallArgv,
  pgDumpArgv,
  pgRolesArgv,
  pgRestoreArgv,
  pgRestoreDatabase,
  pgRestoreScript,
  pgTerminateArgv,
} from './postgres.js';
export { mysqlDumpArgv, mysqlRestoreArgv, mysqlClients } from './mariadb.js';
export { mongodumpArgv, mongorestoreArgv } from './mongo.js';
export { redisCli } from './redis.js';
export { sqliteBackupArgv, sqliteRestoreSidecars } from './sqlite.js';
