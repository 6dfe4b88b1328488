import type { TargetType } from '@baqup/core';
import type { Loader } from './context.js';
import { loadFs } from './fs.js';
import { mysqlLoader } from './mariadb.js';
import { loadMongo } from './mongo.js';
import { loadPostgres } from './postgres.js';
import { loadRedis } from './redis.js';
import { loadSqlite } from './sqlite.js';

export const LOADERS: Readonly<Record<TargetType, Loader>> = {
  postgres: loadPostgres,
  mariadb: mysqlLoader('mariadb'),
  mysql: mysqlLoader('mysql'),
  mongo: loadMongo,
  redis: loadRedis,
  sqlite: loadSqlite,
  fs: loadFs,
};

export type { Loader, LoadContext } from './context.js';
export { unexpectedErrors } from './postgres.js';
