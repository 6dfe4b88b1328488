import { describe, expect, it } from 'vitest';
import { container, enabled, parse, targetOf, withEnv, withLabels } from './__fixtures__/container.js';

interface InvalidCase {
  name: string;
  labels: Record<string, string>;
  env?: Record<string, string>;
  /** Not enabled: the case is about backup.enabled itself. */
  disabled?: boolean;
  label: string;
  message: RegExp;
  /** The exact suggestion, or undefined when none must be made. */
  suggestion: string | undefined;
  expected?: RegExp;
  /** The value the error must show (redacted for secrets); defaults to the label's value. */
  value?: string;
}

const cases: InvalidCase[] = [
  // backup.enabled / backup.stop
  { name: 'enabled is not a boolean', disabled: true, labels: { 'backup.enabled': 'maybe' }, label: 'backup.enabled', message: /not a boolean: "maybe"/, expected: /true or false/, suggestion: undefined },
  { name: 'enabled misspelled (transposition)', disabled: true, labels: { 'backup.enabeld': 'true' }, label: 'backup.enabeld', message: /backups stay disabled/, suggestion: 'backup.enabled' },
  { name: 'enabled misspelled (missing letter)', disabled: true, labels: { 'backup.enable': 'true' }, label: 'backup.enable', message: /unknown label/, suggestion: 'backup.enabled' },
  { name: 'enabled in capitals', disabled: true, labels: { 'backup.ENABLED': 'true' }, label: 'backup.ENABLED', message: /unknown label/, suggestion: 'backup.enabled' },
  { name: 'enabled with no targets', labels: {}, label: 'backup.enabled', message: /no target labels/, expected: /backup\.<type>\.<instance>/, suggestion: undefined, value: 'true' },
  { name: 'enabled with a sub-key', labels: { 'backup.enabled.now': 'true' }, label: 'backup.enabled.now', message: /takes no sub-keys/, suggestion: 'backup.enabled' },
  { name: 'stop misspelled', labels: { 'backup.stpo': 'true' }, label: 'backup.stpo', message: /unknown label "backup.stpo"/, suggestion: 'backup.stop' },
  { name: 'stop is not a boolean', labels: { 'backup.stop': 'sometimes' }, label: 'backup.stop', message: /not a boolean/, suggestion: undefined },
  { name: 'unknown container label', labels: { 'backup.frequency': 'daily' }, label: 'backup.frequency', message: /unknown label/, expected: /backup.enabled or backup.stop/, suggestion: undefined },
  { name: 'empty key segment', labels: { 'backup..postgres.main.port': '1' }, label: 'backup..postgres.main.port', message: /malformed/, suggestion: undefined },
  // key structure
  { name: 'type misspelled', labels: { 'backup.postgress.main.port': '5432' }, label: 'backup.postgress.main.port', message: /unknown target type "postgress"/, expected: /postgres, mariadb/, suggestion: 'backup.postgres.main.port' },
  { name: 'type and property misspelled', labels: { 'backup.postgress.main.usernme': 'x' }, label: 'backup.postgress.main.usernme', message: /unknown target type/, suggestion: 'backup.postgres.main.username' },
  { name: 'type in capitals', labels: { 'backup.Postgres.main.port': '5432' }, label: 'backup.Postgres.main.port', message: /unknown target type/, suggestion: 'backup.postgres.main.port' },
  { name: 'type misspelled (mariadb)', labels: { 'backup.maria.main.port': '3306' }, label: 'backup.maria.main.port', message: /unknown target type/, suggestion: 'backup.mariadb.main.port' },
  { name: 'unknown type with no near match', labels: { 'backup.oracle.main.port': '1521' }, label: 'backup.oracle.main.port', message: /unknown target type "oracle"/, suggestion: undefined },
  { name: 'property misspelled', labels: { 'backup.postgres.main.usernme': 'x' }, label: 'backup.postgres.main.usernme', message: /unknown property "usernme"/, expected: /username/, suggestion: 'backup.postgres.main.username' },
  { name: 'property of another engine', labels: { 'backup.postgres.main.path': '/x' }, label: 'backup.postgres.main.path', message: /"path" is not a property of postgres targets/, suggestion: undefined },
  { name: 'exclude on a database', labels: { 'backup.postgres.main.exclude': '*.log' }, label: 'backup.postgres.main.exclude', message: /not a property of postgres/, suggestion: undefined },
  { name: 'databases on sqlite', labels: { 'backup.sqlite.app.path': '/a.db', 'backup.sqlite.app.databases': 'all' }, label: 'backup.sqlite.app.databases', message: /not a property of sqlite/, suggestion: undefined },
  { name: 'port on sqlite', labels: { 'backup.sqlite.app.path': '/a.db', 'backup.sqlite.app.port': '1' }, label: 'backup.sqlite.app.port', message: /not a property of sqlite/, suggestion: undefined },
  { name: 'misspelled password keeps the value secret', labels: { 'backup.postgres.main.passwrd': 'hunter2' }, label: 'backup.postgres.main.passwrd', message: /unknown property/, suggestion: 'backup.postgres.main.password', value: '[redacted]' },
  { name: 'instance missing', labels: { 'backup.postgres.port': '5432' }, label: 'backup.postgres.port', message: /instance name missing/, suggestion: 'backup.postgres.main.port' },
  { name: 'type without instance or property', labels: { 'backup.postgres': 'true' }, label: 'backup.postgres', message: /incomplete target label/, expected: /backup.postgres.<instance>.<property>/, suggestion: undefined },
  { name: 'property missing', labels: { 'backup.postgres.main': 'x' }, label: 'backup.postgres.main', message: /target property missing/, suggestion: undefined },
  { name: 'instance with a dot', labels: { 'backup.postgres.my.db.port': '1' }, label: 'backup.postgres.my.db.port', message: /too many segments/, suggestion: undefined },
  { name: 'instance with a bad character', labels: { 'backup.postgres.-x.port': '1' }, label: 'backup.postgres.-x.port', message: /invalid instance name "-x"/, suggestion: undefined },
  // schedules
  { name: 'cron out of range', labels: { 'backup.schedule.daily.cron': '0 61 * * *' }, label: 'backup.schedule.daily.cron', message: /invalid cron expression/, suggestion: undefined },
  { name: 'cron in words', labels: { 'backup.schedule.nightly.cron': 'every night' }, label: 'backup.schedule.nightly.cron', message: /2 fields; expected 5/, suggestion: undefined },
  { name: 'cron with 5 garbage fields', labels: { 'backup.schedule.nightly.cron': 'a b c d e' }, label: 'backup.schedule.nightly.cron', message: /invalid cron expression/, suggestion: undefined },
  { name: 'cron with 4 fields', labels: { 'backup.schedule.nightly.cron': '0 3 * *' }, label: 'backup.schedule.nightly.cron', message: /4 fields; expected 5/, suggestion: undefined },
  { name: 'new schedule without cron', labels: { 'backup.schedule.nightly.retention': '7' }, label: 'backup.schedule.nightly.cron', message: /has no cron expression/, suggestion: undefined, value: '' },
  { name: 'retention zero', labels: { 'backup.schedule.daily.retention': '0' }, label: 'backup.schedule.daily.retention', message: /at least one/, suggestion: undefined },
  { name: 'retention with an unknown unit', labels: { 'backup.schedule.daily.retention': '7y' }, label: 'backup.schedule.daily.retention', message: /not a retention/, expected: /14d/, suggestion: undefined },
  { name: 'keep_daily negative', labels: { 'backup.schedule.daily.keep_daily': '-1' }, label: 'backup.schedule.daily.keep_daily', message: /not a positive integer/, suggestion: undefined },
  { name: 'schedule property misspelled', labels: { 'backup.schedule.daily.retension': '7' }, label: 'backup.schedule.daily.retension', message: /unknown schedule property/, suggestion: 'backup.schedule.daily.retention' },
  { name: 'schedule name missing', labels: { 'backup.schedule.cron': '0 3 * * *' }, label: 'backup.schedule.cron', message: /schedule name missing/, suggestion: 'backup.schedule.daily.cron' },
  { name: 'schedule with a bad name', labels: { 'backup.schedule.my!sched.cron': '0 3 * * *' }, label: 'backup.schedule.my!sched.cron', message: /invalid schedule name/, suggestion: undefined },
  { name: '"schedule" misspelled', labels: { 'backup.schedul.daily.cron': '0 3 * * *' }, label: 'backup.schedul.daily.cron', message: /unknown target type "schedul"/, suggestion: 'backup.schedule.daily.cron' },
  // target values
  { name: 'port too large', labels: { 'backup.postgres.main.port': '99999' }, label: 'backup.postgres.main.port', message: /not a TCP port/, expected: /1 to 65535/, suggestion: undefined },
  { name: 'port not a number', labels: { 'backup.postgres.main.port': 'pg' }, label: 'backup.postgres.main.port', message: /not a TCP port/, suggestion: undefined },
  { name: 'all mixed with names', labels: { 'backup.postgres.main.databases': 'all,app' }, label: 'backup.postgres.main.databases', message: /cannot be combined/, suggestion: undefined },
  { name: 'empty database name', labels: { 'backup.postgres.main.databases': 'a,,b' }, label: 'backup.postgres.main.databases', message: /empty database name/, suggestion: undefined },
  { name: 'unknown compression', labels: { 'backup.postgres.main.compress': 'lz4' }, label: 'backup.postgres.main.compress', message: /unknown compression "lz4"/, expected: /gzip, zstd or none/, suggestion: undefined },
  { name: 'unknown schedule', labels: { 'backup.postgres.main.schedule': 'nightly' }, label: 'backup.postgres.main.schedule', message: /unknown schedule "nightly"/, expected: /daily, hourly, weekly/, suggestion: undefined },
  { name: 'schedule misspelled', labels: { 'backup.postgres.main.schedule': 'dayly' }, label: 'backup.postgres.main.schedule', message: /unknown schedule "dayly"/, suggestion: 'backup.postgres.main.schedule=daily' },
  { name: 'two schedules', labels: { 'backup.postgres.main.schedule': 'daily,weekly' }, label: 'backup.postgres.main.schedule', message: /one schedule/, suggestion: undefined },
  { name: 'schedule that is broken', labels: { 'backup.schedule.nightly.cron': 'x', 'backup.postgres.main.schedule': 'nightly' }, label: 'backup.postgres.main.schedule', message: /schedule "nightly" is invalid/, suggestion: undefined },
  { name: 'timeout in words', labels: { 'backup.postgres.main.timeout': 'soon' }, label: 'backup.postgres.main.timeout', message: /not a positive duration/, expected: /30m/, suggestion: undefined },
  { name: 'timeout zero', labels: { 'backup.postgres.main.timeout': '0' }, label: 'backup.postgres.main.timeout', message: /not a positive duration/, suggestion: undefined },
  { name: 'empty username', labels: { 'backup.postgres.main.username': ' ' }, label: 'backup.postgres.main.username', message: /username is empty/, suggestion: undefined },
  { name: 'empty pre_exec', labels: { 'backup.mongo.main.pre_exec': '' }, label: 'backup.mongo.main.pre_exec', message: /command is empty/, suggestion: undefined },
  { name: 'empty post_exec', labels: { 'backup.fs.data.path': '/d', 'backup.fs.data.post_exec': ' ' }, label: 'backup.fs.data.post_exec', message: /command is empty/, suggestion: undefined },
  { name: 'ping URL of no known monitor', labels: { 'backup.fs.data.path': '/d', 'backup.fs.data.ping': 'https://example.org/tok-SECRET1' }, label: 'backup.fs.data.ping', message: /URL 1: not a ping URL baqup knows/, suggestion: undefined, value: '[redacted]' },
  { name: 'notify URL with an unknown scheme', labels: { 'backup.notify_on_failure': 'ntfy://ntfy.sh/a pushover://tok-SECRET1@u' }, label: 'backup.notify_on_failure', message: /URL 2: unsupported notification scheme "pushover"/, expected: /schemes: ntfy, ntfys/, suggestion: undefined, value: '[redacted]' },
  { name: 'notify URL in a broken form', labels: { 'backup.notify_on_success': 'telegram://1:tok-SECRET1@telegram' }, label: 'backup.notify_on_success', message: /URL 1: telegram URL names no chat/, suggestion: undefined, value: '[redacted]' },
  { name: 'notify_global not a boolean', labels: { 'backup.notify_global': 'sometimes' }, label: 'backup.notify_global', message: /./, suggestion: undefined },
  // credentials
  { name: 'password_env not in the env', labels: { 'backup.postgres.main.password_env': 'DB_PASS' }, env: { OTHER: 'x' }, label: 'backup.postgres.main.password_env', message: /no DB_PASS \(nor DB_PASS_FILE\)/, suggestion: undefined },
  { name: 'password_env not a variable name', labels: { 'backup.postgres.main.password_env': 'db-pass' }, label: 'backup.postgres.main.password_env', message: /not an environment variable name/, suggestion: undefined, value: '[redacted]' },
  { name: 'password_file relative', labels: { 'backup.postgres.main.password_file': 'secrets/db' }, label: 'backup.postgres.main.password_file', message: /must be absolute/, suggestion: undefined, value: '[redacted]' },
  { name: 'empty literal password', labels: { 'backup.postgres.main.password': '' }, label: 'backup.postgres.main.password', message: /password is empty/, suggestion: undefined, value: '[redacted]' },
  { name: 'two credential forms', labels: { 'backup.postgres.main.password': 'x', 'backup.postgres.main.password_env': 'PW' }, env: { PW: 'y' }, label: 'backup.postgres.main.password_env', message: /conflicts with password/, suggestion: undefined },
  // paths
  { name: 'sqlite without path', labels: { 'backup.sqlite.app.schedule': 'daily' }, label: 'backup.sqlite.app.path', message: /needs a path/, suggestion: undefined, value: '' },
  { name: 'fs without path', labels: { 'backup.fs.config.compress': 'true' }, label: 'backup.fs.config.path', message: /needs a path/, expected: /absolute path/, suggestion: undefined, value: '' },
  { name: 'fs path relative', labels: { 'backup.fs.config.path': 'config' }, label: 'backup.fs.config.path', message: /must be absolute/, suggestion: undefined },
  { name: 'fs path climbing', labels: { 'backup.fs.config.path': '/config/../etc' }, label: 'backup.fs.config.path', message: /must not contain ".."/, suggestion: undefined },
  { name: 'fs exclude empty', labels: { 'backup.fs.config.path': '/c', 'backup.fs.config.exclude': ' , ' }, label: 'backup.fs.config.exclude', message: /no patterns/, suggestion: undefined },
  { name: 'drill neither boolean nor cron', labels: { 'backup.fs.config.path': '/c', 'backup.fs.config.drill': 'weekly' }, label: 'backup.fs.config.drill', message: /not a boolean nor a cron expression/, suggestion: undefined },
  { name: 'fs path misspelled', labels: { 'backup.fs.config.pth': '/config' }, label: 'backup.fs.config.pth', message: /unknown property "pth"/, suggestion: 'backup.fs.config.path' },
  { name: 'redis path relative', labels: { 'backup.redis.cache.path': 'data' }, label: 'backup.redis.cache.path', message: /must be absolute/, suggestion: undefined },
];

// Every enabled case also carries one valid target, which must survive the broken one (on hourly, because a
// broken `daily` label rightly takes daily's targets down with it).
const healthy = { 'backup.fs.healthy.path': '/srv', 'backup.fs.healthy.schedule': 'hourly' };

describe('invalid labels', () => {
  it('has at least 30 cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases)('$name', ({ labels, env, disabled, label, message, suggestion, expected, value }) => {
    const extra = disabled || label === 'backup.enabled' ? {} : healthy;
    const config = parse(container(...(disabled ? [] : [enabled]), withLabels({ ...extra, ...labels }), withEnv(env ?? {})));
    const error = config.errors.find((e) => e.label === label);
    expect(error, `errors: ${JSON.stringify(config.errors)}`).toBeDefined();
    expect(error!.message).toMatch(message);
    expect(error!.suggestion).toBe(suggestion);
    if (expected) expect(error!.expected).toMatch(expected);
    expect(error!.value).toBe(value ?? labels[label] ?? 'true');
    for (const e of config.errors) expect(e.label.length * e.message.length).toBeGreaterThan(0);

    if (disabled) {
      expect(config.enabled).toBe(false);
      expect(config.targets).toEqual([]);
    } else if (label !== 'backup.enabled') {
      expect(targetOf(config, 'fs-healthy').path).toBe('/srv');
      // The broken target (if the label named one) is dropped, not run on guesses.
      const [, type, instance] = label.split('.');
      expect(config.targets.filter((t) => t.type === type && t.instance === instance)).toEqual([]);
    }
  });
});

describe('a broken container is still returned whole', () => {
  it('keeps valid targets and schedules, lists every error', () => {
    const config = parse(
      container(
        enabled,
        withLabels({
          'backup.stop': 'true',
          'backup.postgres.main.databases': 'all',
          'backup.postgres.main.port': 'x',
          'backup.fs.config.path': '/config',
          'backup.fs.logs.path': 'logs',
          'backup.schedule.nightly.cron': '0 2 * * *',
          'backup.schedule.bad.cron': 'nope',
        }),
        withEnv(['POSTGRES_PASSWORD=pw']),
      ),
    );
    expect(config.enabled).toBe(true);
    expect(config.stop).toBe(true);
    expect(config.targets.map((t) => `${t.type}-${t.instance}`)).toEqual(['fs-config']);
    expect(Object.keys(config.schedules)).toContain('nightly');
    expect(Object.keys(config.schedules)).not.toContain('bad');
    expect(config.errors.map((e) => e.label).sort()).toEqual(['backup.fs.logs.path', 'backup.postgres.main.port', 'backup.schedule.bad.cron']);
  });

  it('a misspelled schedule label breaks the schedule, not the default of the same name', () => {
    const config = parse(container(enabled, withLabels({ 'backup.fs.a.path': '/a', 'backup.schedule.daily.cron': '0 99 * * *' })));
    expect(config.schedules.daily).toBeUndefined();
    expect(config.targets).toEqual([]);
    expect(config.errors.map((e) => e.label)).toEqual(['backup.schedule.daily.cron', 'backup.fs.a.schedule']);
  });

  it('a misspelled schedule property takes its schedule down rather than pruning on the old retention', () => {
    const config = parse(container(enabled, withLabels({ 'backup.fs.a.path': '/a', 'backup.schedule.daily.retension': '30' })));
    expect(config.schedules.daily).toBeUndefined();
    expect(config.targets).toEqual([]);
    expect(config.errors.map((e) => [e.label, e.message])).toEqual([
      ['backup.schedule.daily.retension', 'unknown schedule property "retension"'],
      ['backup.fs.a.schedule', 'schedule "daily" is invalid (see its backup.schedule.daily.* errors)'],
    ]);
  });
});

describe('a password written into the wrong label is never echoed', () => {
  it.each([
    ['password_env holding a password', { 'backup.postgres.main.password_env': 'hunter2' }],
    ['password_env holding a password with symbols', { 'backup.postgres.main.password_env': 'hunter2!x' }],
    ['password_file holding a password', { 'backup.postgres.main.password_file': 'hunter2' }],
    ['a key under password_env', { 'backup.postgres.main.password_env.x': 'hunter2' }],
    ['a second credential form', { 'backup.postgres.main.password': 'hunter2', 'backup.postgres.main.password_env': 'hunter2' }],
  ])('%s', (_name, labels) => {
    const config = parse(container(enabled, withLabels(labels), withEnv({ POSTGRES_PASSWORD: 'other-secret' })));
    expect(config.errors.length).toBeGreaterThan(0);
    expect(JSON.stringify(config)).not.toContain('hunter2');
  });

  it('still names a variable that looks like one, so a typo can be found', () => {
    const config = parse(container(enabled, withLabels({ 'backup.postgres.main.password_env': 'POSTGRES_PASSWROD' }), withEnv({ POSTGRES_PASSWORD: 'x' })));
    expect(config.errors[0]).toMatchObject({ value: 'POSTGRES_PASSWROD', message: expect.stringContaining('no POSTGRES_PASSWROD (nor POSTGRES_PASSWROD_FILE)') });
  });
});
