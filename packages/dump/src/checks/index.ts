export { checkOutput, parseCountLines, type CheckRun } from './runner.js';
export { pgCountSql, pgDatabases, pgRowCounts } from './postgres.js';
export { mysqlRowCounts, MYSQL_SYSTEM_SCHEMAS } from './mysql.js';
export { parseKeyspace, redisKeyspace } from './redis.js';
export { sqliteFileChecks, sqliteRowCounts } from './sqlite.js';
export { countTar, tarCounter, type TarCount } from './tar-count.js';
export { mongoCounts } from './mongo.js';
export { collectChecks } from './collect.js';
