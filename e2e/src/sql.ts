// Running SQL in the harness's db containers, with the SQL on stdin and passwords in the exec env, never argv.
import type { TestContainer } from './containers.js';
import { execOk } from './exec.js';

/** psql as POSTGRES_USER over the local socket (trusted); unaligned, tuples only. Throws on any SQL error. */
export function psql(c: TestContainer, sql: string, db?: string): Promise<string> {
  const user = c.env.POSTGRES_USER ?? 'postgres';
  const database = db ?? c.env.POSTGRES_DB ?? user;
  return execOk(c, ['psql', '-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-U', user, '-d', database], { stdin: sql });
}

/** mariadb as root (password from the container's env via MYSQL_PWD); batch, no column names. */
export function mariadbSql(c: TestContainer, sql: string, db?: string): Promise<string> {
  const pw = c.env.MARIADB_ROOT_PASSWORD ?? c.env.MYSQL_ROOT_PASSWORD;
  const database = db ?? c.env.MARIADB_DATABASE ?? c.env.MYSQL_DATABASE;
  return execOk(c, ['mariadb', '-uroot', '-N', '-B', ...(database ? [database] : [])], {
    stdin: sql,
    ...(pw ? { env: { MYSQL_PWD: pw } } : {}),
  });
}

/** sqlite3 on `file` inside the container (needs the binary there, e.g. the `sqlite` image). */
export function sqliteSql(c: TestContainer, file: string, sql: string): Promise<string> {
  return execOk(c, ['sqlite3', '-batch', '-bail', file], { stdin: sql });
}
