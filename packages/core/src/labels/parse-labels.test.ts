import { describe, expect, it } from 'vitest';
import type { CredentialSource, TargetConfig } from '../model.js';
import { Secret } from '../secret.js';
import { container, enabled, named, parse, targetOf, withDefaults, withEnv, withLabels } from './__fixtures__/container.js';

const fs = { 'backup.fs.data.path': '/data' };

describe('backup.enabled and backup.stop', () => {
  it.each(['true', 'TRUE', 'True', '1', 'yes', 'Yes', ' true '])('backup.enabled=%s enables', (value) => {
    const config = parse(container(withLabels({ 'backup.enabled': value, ...fs })));
    expect(config.enabled).toBe(true);
    expect(config.errors).toEqual([]);
    expect(config.targets).toHaveLength(1);
  });

  it.each(['false', 'FALSE', '0', 'no', 'No'])('backup.enabled=%s disables without validating the rest', (value) => {
    const config = parse(container(withLabels({ 'backup.enabled': value, 'backup.postgress.main.port': 'x', ...fs })));
    expect(config).toMatchObject({ enabled: false, targets: [], errors: [] });
  });

  it('a container without backup.enabled is disabled and quiet', () => {
    const config = parse(container(withLabels({ ...fs, 'backup.stpo': 'true' })));
    expect(config).toMatchObject({ enabled: false, stop: false, targets: [], errors: [] });
  });

  it.each([
    ['true', true],
    ['yes', true],
    ['0', false],
    ['false', false],
  ])('backup.stop=%s → %s', (value, stop) => {
    expect(parse(container(enabled, withLabels({ 'backup.stop': value, ...fs }))).stop).toBe(stop);
  });

  it('stop defaults to false', () => {
    expect(parse(container(enabled, withLabels(fs))).stop).toBe(false);
  });

  it('keeps id and image, drops the leading "/" of the name, ignores labels outside backup.*', () => {
    const config = parse(
      container(enabled, named('/nextcloud', 'nextcloud:29'), withLabels({ ...fs, 'traefik.enable': 'true', 'com.docker.compose.project': 'x', backup: 'x' })),
    );
    expect(config).toMatchObject({ containerId: 'c0ffee', containerName: 'nextcloud', image: 'nextcloud:29', errors: [] });
  });
});

describe('alerts, pings and hooks', () => {
  it('backup.notify_* route the container\'s alerts; post_exec and ping belong to a target', () => {
    const config = parse(
      container(
        enabled,
        withLabels({
          ...fs,
          'backup.notify_on_failure': 'discord://tok@123456, ntfy://ntfy.sh/nas telegram://1:a@telegram?chats=1,2',
          'backup.notify_on_success': 'ntfy://ntfy.sh/ok',
          'backup.notify_global': 'false',
          'backup.fs.data.pre_exec': 'occ maintenance:mode --on',
          'backup.fs.data.post_exec': 'occ maintenance:mode --off',
          'backup.fs.data.ping': 'https://hc-ping.com/0d338dcc-a054-11ec-b909-0242ac120002',
        }),
      ),
    );
    expect(config.errors).toEqual([]);
    expect(config.notify).toEqual({ onFailure: ['discord://tok@123456', 'ntfy://ntfy.sh/nas', 'telegram://1:a@telegram?chats=1,2'], onSuccess: ['ntfy://ntfy.sh/ok'], global: false });
    expect(config.targets[0]).toMatchObject({ preExec: 'occ maintenance:mode --on', postExec: 'occ maintenance:mode --off', ping: ['https://hc-ping.com/0d338dcc-a054-11ec-b909-0242ac120002'] });
    // The ping URL is a credential of sorts (whoever has it can ping): the API's copy of the labels hides it.
    expect(config.targets[0]!.properties.ping).toBe('[redacted]');
  });

  it('without notify labels a container has no route (the config\'s channels apply)', () => {
    expect(parse(container(enabled, withLabels(fs))).notify).toBeUndefined();
  });
});

describe('schedules', () => {
  const schedules = (labels: Record<string, string>) => parse(container(enabled, withLabels({ ...fs, ...labels }))).schedules;

  it('falls back to the controller defaults: daily, hourly, weekly', () => {
    expect(schedules({})).toEqual({
      daily: { name: 'daily', cron: '0 3 * * *', retention: { keepLast: 7 } },
      hourly: { name: 'hourly', cron: '0 * * * *', retention: { keepLast: 24 } },
      weekly: { name: 'weekly', cron: '0 4 * * 0', retention: { keepLast: 4 } },
    });
  });

  it.each([
    ['7', { keepLast: 7 }],
    ['14d', { keepWithinSeconds: 14 * 86_400 }],
    ['12h', { keepWithinSeconds: 12 * 3600 }],
    ['2w', { keepWithinSeconds: 14 * 86_400 }],
    ['90m', { keepWithinSeconds: 90 * 60 }],
  ])('retention=%s → %j', (retention, expected) => {
    const s = schedules({ 'backup.schedule.nightly.cron': '30 2 * * *', 'backup.schedule.nightly.retention': retention });
    expect(s.nightly).toEqual({ name: 'nightly', cron: '30 2 * * *', retention: expected });
  });

  it('keep_daily/weekly/monthly combine with retention', () => {
    const s = schedules({
      'backup.schedule.gfs.cron': '0 1 * * *',
      'backup.schedule.gfs.retention': '3',
      'backup.schedule.gfs.keep_daily': '7',
      'backup.schedule.gfs.keep_weekly': '4',
      'backup.schedule.gfs.keep_monthly': '6',
    });
    expect(s.gfs!.retention).toEqual({ keepLast: 3, keepDaily: 7, keepWeekly: 4, keepMonthly: 6 });
  });

  it('overriding the retention of a default schedule inherits its cron', () => {
    expect(schedules({ 'backup.schedule.daily.retention': '30' }).daily).toEqual({ name: 'daily', cron: '0 3 * * *', retention: { keepLast: 30 } });
  });

  it('overriding the cron of a default schedule inherits its retention', () => {
    expect(schedules({ 'backup.schedule.daily.cron': '15 1 * * *' }).daily).toEqual({ name: 'daily', cron: '15 1 * * *', retention: { keepLast: 7 } });
  });

  it('any retention label replaces the inherited retention entirely', () => {
    expect(schedules({ 'backup.schedule.daily.keep_daily': '14' }).daily!.retention).toEqual({ keepDaily: 14 });
  });

  it('a new schedule without retention keeps the newest 7', () => {
    expect(schedules({ 'backup.schedule.nightly.cron': '0 2 * * *' }).nightly!.retention).toEqual({ keepLast: 7 });
  });

  it('accepts the cron-parser dialect: 6 fields with seconds, names, macros', () => {
    const s = schedules({ 'backup.schedule.a.cron': '0 0 3 * * *', 'backup.schedule.b.cron': '0 3 * * MON-FRI', 'backup.schedule.c.cron': '@daily' });
    expect(Object.keys(s)).toEqual(expect.arrayContaining(['a', 'b', 'c']));
  });

  it('a target uses its schedule label, else the default target schedule', () => {
    const config = parse(
      container(enabled, withLabels({ ...fs, 'backup.fs.logs.path': '/logs', 'backup.fs.logs.schedule': 'hourly' }), withDefaults((d) => (d.target.schedule = 'weekly'))),
    );
    expect(targetOf(config, 'fs-data').schedule).toBe('weekly');
    expect(targetOf(config, 'fs-logs').schedule).toBe('hourly');
  });

  it('a target may use a schedule defined by the container', () => {
    const config = parse(container(enabled, withLabels({ ...fs, 'backup.fs.data.schedule': 'nightly', 'backup.schedule.nightly.cron': '0 2 * * *' })));
    expect(config.errors).toEqual([]);
    expect(targetOf(config, 'fs-data').schedule).toBe('nightly');
  });
});

const literal = (source: CredentialSource | undefined) => (source?.kind === 'literal' || source?.kind === 'env' ? source.value.reveal() : undefined);

interface TargetCase {
  name: string;
  labels: Record<string, string>;
  env?: Record<string, string> | string[];
  id: string;
  expected: Partial<TargetConfig>;
  /** The plain password the credential must reveal. */
  password?: string;
}

const targetCases: TargetCase[] = [
  // postgres, with the official image's env
  { name: 'postgres on a stock container', labels: { 'backup.postgres.main.databases': 'all' }, env: ['POSTGRES_PASSWORD=pw'], id: 'postgres-main', expected: { username: 'postgres', port: 5432, databases: 'all', password: { kind: 'env', name: 'POSTGRES_PASSWORD', value: expect.any(Secret) } }, password: 'pw' },
  { name: 'postgres user from POSTGRES_USER', labels: { 'backup.postgres.main.schedule': 'daily' }, env: { POSTGRES_USER: 'app', POSTGRES_PASSWORD: 'pw' }, id: 'postgres-main', expected: { username: 'app', databases: 'all' }, password: 'pw' },
  { name: 'postgres password from POSTGRES_PASSWORD_FILE', labels: { 'backup.postgres.main.databases': 'all' }, env: ['POSTGRES_PASSWORD_FILE=/run/secrets/pg'], id: 'postgres-main', expected: { password: { kind: 'file', path: '/run/secrets/pg' } } },
  { name: 'postgres without any password (trust auth)', labels: { 'backup.postgres.main.databases': 'all' }, id: 'postgres-main', expected: { username: 'postgres', password: undefined } },
  { name: 'postgres every property', labels: { 'backup.postgres.db.port': '5433', 'backup.postgres.db.username': 'admin', 'backup.postgres.db.databases': 'app, wiki ,app', 'backup.postgres.db.compress': 'gzip', 'backup.postgres.db.schedule': 'hourly', 'backup.postgres.db.timeout': '30m', 'backup.postgres.db.pre_exec': 'psql -c checkpoint' }, id: 'postgres-db', expected: { port: 5433, username: 'admin', databases: ['app', 'wiki'], compress: 'gzip', compressionLevel: 6, schedule: 'hourly', timeoutSeconds: 1800, preExec: 'psql -c checkpoint' } },
  // the three credential forms
  { name: 'literal password', labels: { 'backup.postgres.main.password': 's3cret' }, id: 'postgres-main', expected: { password: { kind: 'literal', value: expect.any(Secret) }, properties: { password: '[redacted]' } }, password: 's3cret' },
  { name: 'password_env from a record env', labels: { 'backup.postgres.main.password_env': 'DB_PASS' }, env: { DB_PASS: 'x1' }, id: 'postgres-main', expected: { password: { kind: 'env', name: 'DB_PASS', value: expect.any(Secret) }, properties: { password_env: 'DB_PASS' } }, password: 'x1' },
  { name: 'password_env from a Docker KEY=value list (value holds "=")', labels: { 'backup.postgres.main.password_env': 'DB_PASS' }, env: ['PATH=/bin', 'DB_PASS=a=b', 'NOVALUE'], id: 'postgres-main', expected: { password: { kind: 'env', name: 'DB_PASS', value: expect.any(Secret) } }, password: 'a=b' },
  { name: 'password_env falls back to <NAME>_FILE', labels: { 'backup.postgres.main.password_env': 'POSTGRES_PASSWORD' }, env: ['POSTGRES_PASSWORD_FILE=/run/secrets/x'], id: 'postgres-main', expected: { password: { kind: 'file', path: '/run/secrets/x' } } },
  { name: 'password_env naming a *_FILE variable reads it as a path', labels: { 'backup.postgres.main.password_env': 'DB_PASSWORD_FILE' }, env: { DB_PASSWORD_FILE: '/run/secrets/db' }, id: 'postgres-main', expected: { password: { kind: 'file', path: '/run/secrets/db' } } },
  { name: 'password_file', labels: { 'backup.postgres.main.password_file': '/run/secrets/db_pass' }, id: 'postgres-main', expected: { password: { kind: 'file', path: '/run/secrets/db_pass' } } },
  { name: 'a credential label wins over the image env', labels: { 'backup.postgres.main.password_file': '/s' }, env: { POSTGRES_PASSWORD: 'pw' }, id: 'postgres-main', expected: { password: { kind: 'file', path: '/s' } } },
  // mariadb / mysql
  { name: 'mariadb root from MARIADB_ROOT_PASSWORD', labels: { 'backup.mariadb.main.databases': 'all' }, env: { MARIADB_ROOT_PASSWORD: 'r', MARIADB_USER: 'app', MARIADB_PASSWORD: 'a' }, id: 'mariadb-main', expected: { username: 'root', port: 3306, databases: 'all' }, password: 'r' },
  { name: 'mariadb root from MARIADB_ROOT_PASSWORD_FILE', labels: { 'backup.mariadb.main.databases': 'all' }, env: { MARIADB_ROOT_PASSWORD_FILE: '/run/secrets/root' }, id: 'mariadb-main', expected: { username: 'root', password: { kind: 'file', path: '/run/secrets/root' } } },
  { name: 'mariadb accepts MYSQL_ROOT_PASSWORD', labels: { 'backup.mariadb.main.databases': 'all' }, env: { MYSQL_ROOT_PASSWORD: 'r' }, id: 'mariadb-main', expected: { username: 'root' }, password: 'r' },
  { name: 'mariadb app user when there is no root password', labels: { 'backup.mariadb.main.databases': 'app' }, env: { MARIADB_RANDOM_ROOT_PASSWORD: '1', MARIADB_USER: 'app', MARIADB_PASSWORD: 'a' }, id: 'mariadb-main', expected: { username: 'app', databases: ['app'] }, password: 'a' },
  { name: 'mariadb username label picks that account', labels: { 'backup.mariadb.main.username': 'app' }, env: { MARIADB_ROOT_PASSWORD: 'r', MARIADB_USER: 'app', MARIADB_PASSWORD: 'a' }, id: 'mariadb-main', expected: { username: 'app' }, password: 'a' },
  { name: 'mysql root from MYSQL_ROOT_PASSWORD', labels: { 'backup.mysql.main.databases': 'all' }, env: ['MYSQL_ROOT_PASSWORD=r'], id: 'mysql-main', expected: { username: 'root', port: 3306 }, password: 'r' },
  { name: 'mysql app user', labels: { 'backup.mysql.main.databases': 'all' }, env: ['MYSQL_USER=app', 'MYSQL_PASSWORD=a'], id: 'mysql-main', expected: { username: 'app' }, password: 'a' },
  // mongo, redis, sqlite, fs
  { name: 'mongo root from the init env', labels: { 'backup.mongo.main.databases': 'all' }, env: { MONGO_INITDB_ROOT_USERNAME: 'root', MONGO_INITDB_ROOT_PASSWORD: 'm' }, id: 'mongo-main', expected: { username: 'root', port: 27017, databases: 'all' }, password: 'm' },
  { name: 'mongo without auth', labels: { 'backup.mongo.main.databases': 'app' }, id: 'mongo-main', expected: { username: undefined, password: undefined, databases: ['app'] } },
  { name: 'redis defaults', labels: { 'backup.redis.cache.schedule': 'hourly' }, id: 'redis-cache', expected: { path: '/data', port: 6379, schedule: 'hourly', password: undefined } },
  { name: 'redis REDIS_PASSWORD and a data dir', labels: { 'backup.redis.cache.path': '/var/lib/redis/' }, env: { REDIS_PASSWORD: 'rp' }, id: 'redis-cache', expected: { path: '/var/lib/redis' }, password: 'rp' },
  { name: 'sqlite file', labels: { 'backup.sqlite.app.path': '/data/app.db' }, id: 'sqlite-app', expected: { path: '/data/app.db', databases: undefined, username: undefined } },
  { name: 'fs every property', labels: { 'backup.fs.config.path': '/config', 'backup.fs.config.exclude': '*.log, cache/*,', 'backup.fs.config.compress': 'false', 'backup.fs.config.pre_exec': 'sync', 'backup.fs.config.schedule': 'weekly', 'backup.fs.config.timeout': '600' }, id: 'fs-config', expected: { path: '/config', exclude: ['*.log', 'cache/*'], compress: 'none', compressionLevel: undefined, preExec: 'sync', schedule: 'weekly', timeoutSeconds: 600 } },
  { name: 'drill=false opts out', labels: { 'backup.sqlite.app.path': '/data/app.db', 'backup.sqlite.app.drill': 'false' }, id: 'sqlite-app', expected: { drill: false } },
  { name: 'drill=<cron> is its own drill schedule', labels: { 'backup.fs.a.path': '/a', 'backup.fs.a.drill': '0 3 * * 1' }, id: 'fs-a', expected: { drill: { cron: '0 3 * * 1' } } },
  { name: 'drill=true is the default (no field)', labels: { 'backup.fs.a.path': '/a', 'backup.fs.a.drill': 'true' }, id: 'fs-a', expected: { drill: undefined } },
  // compress and defaults
  { name: 'compress=true is the default compressor', labels: { 'backup.fs.a.path': '/a', 'backup.fs.a.compress': 'TRUE' }, id: 'fs-a', expected: { compress: 'zstd', compressionLevel: 3 } },
  { name: 'compress=zstd', labels: { 'backup.fs.a.path': '/a', 'backup.fs.a.compress': 'zstd' }, id: 'fs-a', expected: { compress: 'zstd' } },
  { name: 'compress=none', labels: { 'backup.fs.a.path': '/a', 'backup.fs.a.compress': 'none' }, id: 'fs-a', expected: { compress: 'none' } },
  { name: 'target defaults: daily, compressed, one hour', labels: { 'backup.fs.a.path': '/a' }, id: 'fs-a', expected: { schedule: 'daily', compress: 'zstd', timeoutSeconds: 3600, properties: { path: '/a' } } },
  { name: 'timeout in hours', labels: { 'backup.fs.a.path': '/a', 'backup.fs.a.timeout': '2h' }, id: 'fs-a', expected: { timeoutSeconds: 7200 } },
];

describe('targets', () => {
  it.each(targetCases)('$name', ({ labels, env, id, expected, password }) => {
    const config = parse(container(enabled, withLabels(labels), withEnv(env ?? {})));
    expect(config.errors).toEqual([]);
    const target = targetOf(config, id);
    const present = Object.fromEntries(Object.entries(expected).filter(([, v]) => v !== undefined));
    expect(target).toMatchObject(present);
    // `undefined` in a case means the target must not have that field at all.
    for (const [key, value] of Object.entries(expected)) if (value === undefined) expect(target).not.toHaveProperty(key);
    if (password !== undefined) expect(literal(target.password)).toBe(password);
  });

  it('uses the controller defaults for compress, compressor, level and timeout', () => {
    const config = parse(
      container(
        enabled,
        withLabels({ 'backup.fs.a.path': '/a', 'backup.fs.b.path': '/b', 'backup.fs.b.compress': 'true' }),
        withDefaults((d) => {
          d.target.compress = 'none';
          d.target.compression = 'gzip';
          d.target.compressionLevel.gzip = 9;
          d.target.timeoutSeconds = 60;
        }),
      ),
    );
    expect(targetOf(config, 'fs-a')).toMatchObject({ compress: 'none', timeoutSeconds: 60 });
    expect(targetOf(config, 'fs-b')).toMatchObject({ compress: 'gzip', compressionLevel: 9 });
  });

  it('lists several targets in a stable order', () => {
    const config = parse(
      container(enabled, withLabels({ 'backup.postgres.main.databases': 'all', 'backup.fs.config.path': '/config', 'backup.fs.app.path': '/app', 'backup.redis.cache.path': '/data' })),
    );
    expect(config.targets.map((t) => `${t.type}-${t.instance}`)).toEqual(['fs-app', 'fs-config', 'postgres-main', 'redis-cache']);
  });

  it('never shows a literal password, in properties or when serialised', () => {
    const config = parse(container(enabled, withLabels({ 'backup.mariadb.main.password': 'hunter2-literal' }), withEnv({ MARIADB_ROOT_PASSWORD: 'hunter2-env' })));
    expect(JSON.stringify(config)).not.toMatch(/hunter2/);
    expect(literal(targetOf(config, 'mariadb-main').password)).toBe('hunter2-literal');
  });
});
