// Words baqup's own output is made of (engines, tools, defaults, log vocabulary) and the passwords images ship with
// by default. A password that is one of them cannot be redacted wherever it occurs without turning ordinary lines
// into noise ("[redacted] dump failed"), so the redactor hides it only where it stands as a credential
// (docs/adr/0006-weak-secret-redaction.md).
export const COMMON_WORDS: ReadonlySet<string> = new Set([
  // engines, their tools and default accounts
  'postgres', 'postgresql', 'psql', 'pg_dump', 'pg_dumpall', 'mysql', 'mysqldump', 'mariadb', 'mariadb-dump', 'mongo',
  'mongodb', 'mongodump', 'redis', 'sqlite', 'sqlite3', 'root', 'admin', 'administrator', 'user', 'guest', 'default',
  // what a target or log line says anyway
  'backup', 'backups', 'baqup', 'restore', 'restic', 'rclone', 'docker', 'container', 'database', 'data', 'db', 'main',
  'daily', 'weekly', 'monthly', 'hourly', 'config', 'files', 'fs', 'app', 'web', 'test', 'example', 'local', 'host',
  'localhost', 'staging', 'remote', 'failed', 'error', 'true', 'false', 'none', 'null',
  // the passwords nobody should use and everybody does
  'password', 'passwd', 'pass', 'secret', 'changeme', 'letmein', 'qwerty', '123456', '12345678', 'welcome', 'abc123',
]);
