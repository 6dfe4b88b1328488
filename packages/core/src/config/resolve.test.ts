import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.js';
import { Secret } from '../secret.js';
import { controllerDefaults } from './controller-defaults.js';
import { resolveConfig } from './resolve.js';

/** The ConfigError's problem list, or a failure when it does not throw one. */
function problems(raw: unknown, env: Record<string, string> = {}): string[] {
  try {
    resolveConfig(raw, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('defaults', () => {
  it('an empty config is the spec defaults, with a local data dir', () => {
    expect(resolveConfig({}, { BAQUP_DATA_DIR: '/var/lib/baqup' })).toEqual({
      data_dir: '/var/lib/baqup',
      defaults: {
        schedules: {
          daily: { cron: '0 3 * * *', retention: 7 },
          hourly: { cron: '0 * * * *', retention: 24 },
          weekly: { cron: '0 4 * * 0', retention: 4 },
        },
        target: { schedule: 'daily', compression: 'zstd', compression_level: { gzip: 6, zstd: 3 }, timeout: 3600 },
      },
      staging: { path: '/var/lib/baqup/staging', cleanup_after_upload: true, resume_free_mib: 256 },
      upload: { backend: 'rclone', remote: '/var/lib/baqup/remote', retries: 3, restic: { check_cron: '0 5 * * 0', stale_lock_minutes: 30, maintenance: true } },
      notifications: { on_failure: [], on_success: false, ping: [] },
      logging: { level: 'info', format: 'json' },
      poll_interval: 60,
      resync_interval: 300,
      timezone: 'UTC',
      concurrency: 2,
      queue_limit: 100,
      staleness_factor: 2,
      drills: { enabled: true, cron: '30 4 * * 0', from: 'remote', max_age_days: 8, memory_mb: 1024, cpus: 1, ready_timeout: 180 },
      journal: '/var/lib/baqup/journal.json',
      api: { listen: '127.0.0.1:8080', protect_reads: false, allow_restore: false },
      health: { stale_targets_unready: false },
      history: { retention_days: 400 },
      retention: { manual: 5, safety: 3 },
    });
  });

  it('null and undefined mean no config; empty sections mean defaults', () => {
    const env = { BAQUP_DATA_DIR: '/d' };
    expect(resolveConfig(null, env)).toEqual(resolveConfig({}, env));
    expect(resolveConfig(undefined, env)).toEqual(resolveConfig({ staging: null, upload: null, api: null }, env));
  });

  it('without BAQUP_DATA_DIR the data dir is ./.baqup-data, made absolute', () => {
    const config = resolveConfig({}, {});
    expect(config.data_dir).toBe(resolve('.baqup-data'));
    expect(config.staging.path).toBe(`${resolve('.baqup-data')}/staging`);
  });

  it('data_dir in the file wins over the env and moves every defaulted path', () => {
    const config = resolveConfig({ data_dir: '/srv/baqup' }, { BAQUP_DATA_DIR: '/ignored' });
    expect([config.staging.path, config.upload.remote, config.journal]).toEqual(['/srv/baqup/staging', '/srv/baqup/remote', '/srv/baqup/journal.json']);
  });

  it('the time zone defaults to $TZ', () => {
    expect(resolveConfig({}, { TZ: 'Europe/Paris' }).timezone).toBe('Europe/Paris');
  });

  it('explicit values are kept', () => {
    const config = resolveConfig({ staging: { path: '/stage', cleanup_after_upload: false }, upload: { remote: 'gdrive:backups' }, concurrency: 4 }, {});
    expect(config.staging).toEqual({ path: '/stage', cleanup_after_upload: false, resume_free_mib: 256 });
    expect(config.upload.remote).toBe('gdrive:backups');
    expect(config.concurrency).toBe(4);
  });

  it('schedules merge by name over the built-ins; a retention field replaces the built-in retention', () => {
    const config = resolveConfig({ defaults: { schedules: { daily: { keep_daily: 14 }, hourly: { cron: '30 * * * *' }, nightly: { cron: '0 2 * * *', retention: '14d' } } } }, {});
    expect(config.defaults.schedules).toEqual({
      daily: { cron: '0 3 * * *', keep_daily: 14 },
      hourly: { cron: '30 * * * *', retention: 24 },
      weekly: { cron: '0 4 * * 0', retention: 4 },
      nightly: { cron: '0 2 * * *', retention: '14d' },
    });
  });
});

describe('environment substitution', () => {
  const env = { HOST: 'nas', EMPTY: '', POLL: '30', CLEANUP: 'false', DIR: '/data' };

  it.each([
    ['${HOST}', 'nas'],
    ['${HOST:-x}', 'nas'],
    ['${MISSING:-fallback}', 'fallback'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${EMPTY-fallback}', ''],
    ['${MISSING-fallback}', 'fallback'],
    ['${MISSING:-}', ''],
    ['sftp:${HOST}:${DIR}/backups', 'sftp:nas:/data/backups'],
    ['pa$$word', 'pa$word'],
    ['$${HOST}', '${HOST}'],
    ['$HOST stays', '$HOST stays'],
  ])('%s → %s', (template, expected) => {
    expect(resolveConfig({ upload: { bwlimit: `x${template}` } }, env).upload.bwlimit).toBe(`x${expected}`);
  });

  it('coerces substituted numbers and booleans to the schema type', () => {
    const config = resolveConfig({ poll_interval: '${POLL}', staging: { cleanup_after_upload: '${CLEANUP}' }, queue_limit: '${LIMIT:-7}' }, env);
    expect([config.poll_interval, config.staging.cleanup_after_upload, config.queue_limit]).toEqual([30, false, 7]);
  });

  it('BAQUP_RESTIC_MAINTENANCE=false turns restic maintenance off; the file wins over it', () => {
    expect(resolveConfig({}, { BAQUP_RESTIC_MAINTENANCE: 'false' }).upload.restic.maintenance).toBe(false);
    expect(resolveConfig({ upload: { restic: { maintenance: true } } }, { BAQUP_RESTIC_MAINTENANCE: 'false' }).upload.restic.maintenance).toBe(true);
    expect(problems({ upload: { restic: { maintenance: 'sometimes' } } })).toEqual([expect.stringMatching(/^\/upload\/restic\/maintenance: /)]);
  });

  it('substitutes inside lists and never in keys', () => {
    const config = resolveConfig({ notifications: { on_failure: ['ntfy://${HOST}/alerts'] } }, env);
    expect(config.notifications.on_failure).toEqual(['ntfy://nas/alerts']);
    expect(problems({ '${HOST}': 1 }, env)).toEqual([expect.stringMatching(/^\/: unknown property "\$\{HOST\}"/)]);
  });

  it('an unset variable without default names the variable and the path', () => {
    expect(problems({ upload: { remote: '${RCLONE_REMOTE}' }, poll_interval: '${POLL}' })).toEqual([
      '/upload/remote: environment variable RCLONE_REMOTE is not set (write ${RCLONE_REMOTE:-default} to give a default)',
      '/poll_interval: environment variable POLL is not set (write ${POLL:-default} to give a default)',
    ]);
  });

  it('a malformed reference is an error', () => {
    expect(problems({ upload: { remote: '${not closed' } })).toEqual([expect.stringMatching(/^\/upload\/remote: malformed variable reference/)]);
  });
});

describe('validation lists every problem', () => {
  it('one line per problem, each with its JSON pointer', () => {
    const list = problems(
      {
        upload: { backend: 's3', remot: 'x' },
        logging: { level: 'verbose', format: 'xml' },
        concurrency: 0,
        poll_interval: 'soon',
        staleness_factor: 0.5,
        api: { listen: 'everywhere' },
        defaults: { schedules: { nightly: { cron: '0 25 * * *' }, 'bad name': { cron: '0 1 * * *' } }, target: { schedule: 'nigthly', compress: 'lz4' } },
        notifications: { on_failure: ['not a url'], on_success: 'yes', webhook: 'ftp//x' },
        timezone: 'Mars/Olympus',
        extra: 1,
      },
      {},
    );
    expect(list).toEqual(
      expect.arrayContaining([
        '/upload: unknown property "remot" (did you mean "remote"?); expected one of: backend, remote, bwlimit, retries, restic',
        '/upload/backend: must be one of rclone, restic',
        '/logging/level: must be one of debug, info, warn, error',
        '/logging/format: must be one of json, text',
        '/concurrency: must be >= 1',
        '/poll_interval: must be integer',
        '/staleness_factor: must be >= 1',
        '/api/listen: must be host:port, e.g. 127.0.0.1:8080 or [::1]:8080',
        expect.stringMatching(/^\/defaults\/schedules: invalid name "bad name"/),
        '/defaults/target/compress: must be one of true, false, gzip, zstd, none',
        '/notifications/on_failure/0: must be a URL such as ntfy://ntfy.example/alerts',
        '/notifications/on_success: must be false or a list of notification URLs',
        '/notifications/webhook: must be a webhook URL, {url, headers}, or a list of those',
        '/: unknown property "extra"; expected one of: data_dir, host, retention, defaults, staging, upload, notifications, logging, poll_interval, resync_interval, timezone, concurrency, queue_limit, staleness_factor, drills, journal, api, health, history',
        '/defaults/schedules/nightly/cron: invalid cron expression: Constraint error, got value 25 expected range 0-23',
        '/defaults/target/schedule: unknown schedule "nigthly"; defined: nightly, bad name, daily, hourly, weekly',
        '/timezone: unknown time zone "Mars/Olympus" (an IANA name such as Europe/Paris, or UTC)',
      ]),
    );
    expect(list, list.join('\n')).toHaveLength(17);
  });

  it('the ConfigError message carries the count and every line', () => {
    try {
      resolveConfig({ concurrency: 0, logging: { level: 'loud' } }, {}, '/etc/baqup/config.yml');
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'BAQUP_CONFIG_INVALID', retryable: false });
      expect((err as Error).message).toBe('/etc/baqup/config.yml: 2 problems:\n  - /logging/level: must be one of debug, info, warn, error\n  - /concurrency: must be >= 1');
    }
  });

  it('a top level that is not a mapping', () => {
    expect(problems(['a'])).toEqual(['/: must be object']);
    expect(problems('text')).toEqual(['/: must be object']);
  });

  it('cross-field rules: restic needs a repository and a password, one token form, one restic password form', () => {
    expect(problems({ upload: { backend: 'restic' } })).toEqual([
      '/upload/restic/repository: is required when upload.backend is restic',
      '/upload/restic/password_file: is required when upload.backend is restic (or set password)',
    ]);
    const both = problems({ upload: { restic: { password: 'hunter2', password_file: '/p', check_cron: 'never' } }, api: { token: 'tok-secret', token_file: '/t' } });
    expect(both).toEqual([
      expect.stringMatching(/^\/upload\/restic\/check_cron: cron expression has 1 fields/),
      '/upload/restic: set password or password_file, not both',
      '/api: set token or token_file, not both',
    ]);
    expect(both.join('\n')).not.toMatch(/hunter2|tok-secret/);
  });

  it('alert and ping URLs are parsed as the notifier will: unknown schemes and broken forms name the field', () => {
    expect(
      problems({
        notifications: {
          on_failure: ['discord://tok@123456', 'pushover://user@token', 'telegram://1:abc@telegram'],
          on_success: ['gotify://gotify.lan'],
          webhook: [{ url: 'https://hooks.example/in', headers: { 'X-Key': 'k' } }, 'ftp://files.example/in'],
          ping: ['https://hc-ping.com/0d338dcc-a054-11ec-b909-0242ac120002', 'https://example.org/nothing'],
        },
      }),
    ).toEqual([
      expect.stringMatching(/^\/notifications\/on_failure\/1: unsupported notification scheme "pushover" \(expected one of: ntfy, ntfys, http, https, gotify, .*apprise, apprises\)$/),
      '/notifications/on_failure/2: telegram URL names no chat (add ?chats=@channel,12345 or tgram://token/chat-id)',
      '/notifications/on_success/0: gotify URL has no application token (expected gotify://host/token)',
      expect.stringMatching(/^\/notifications\/webhook\/1: webhook URL must be http\(s\):\/\//),
      expect.stringMatching(/^\/notifications\/ping\/1: not a ping URL baqup knows/),
    ]);
    const ok = resolveConfig({ notifications: { on_failure: ['discord://tok@123456'], webhook: { url: 'https://h.example/x', headers: { A: 'b' } }, ping: ['https://kuma.lan/api/push/abc?status=up&msg=OK&ping='] } }, {});
    expect(ok.notifications.ping).toHaveLength(1);
  });

  it('a schedule that is not built in needs a cron; retention must parse', () => {
    expect(problems({ defaults: { schedules: { nightly: { retention: 7 }, daily: { retention: '0' } } } })).toEqual([
      '/defaults/schedules/nightly/cron: is required (the schedule is not one of the built-in daily, hourly, weekly)',
      '/defaults/schedules/daily/retention: must be a count (7) or an age (14d, 12h, 2w)',
    ]);
  });
});

describe('secrets', () => {
  it('api.token and upload.restic.password become Secrets', () => {
    const config = resolveConfig({ api: { token: '${TOKEN}' }, upload: { backend: 'restic', restic: { repository: '/r', password: 'pw-123' } } }, { TOKEN: 'tok-456' });
    expect(config.api.token).toBeInstanceOf(Secret);
    expect(config.api.token!.reveal()).toBe('tok-456');
    expect(config.upload.restic.password!.reveal()).toBe('pw-123');
    expect(JSON.stringify(config)).not.toMatch(/tok-456|pw-123/);
  });
});

describe('controllerDefaults', () => {
  it('turns the config into what parseLabels needs', () => {
    expect(controllerDefaults(resolveConfig({ defaults: { schedules: { daily: { retention: '14d', keep_monthly: 6 } } } }, {}))).toEqual({
      schedules: {
        daily: { name: 'daily', cron: '0 3 * * *', retention: { keepWithinSeconds: 14 * 86_400, keepMonthly: 6 } },
        hourly: { name: 'hourly', cron: '0 * * * *', retention: { keepLast: 24 } },
        weekly: { name: 'weekly', cron: '0 4 * * 0', retention: { keepLast: 4 } },
      },
      target: { schedule: 'daily', compress: 'zstd', compression: 'zstd', compressionLevel: { gzip: 6, zstd: 3 }, timeoutSeconds: 3600 },
    });
  });

  it.each([
    [true, 'gzip', 'gzip'],
    [true, 'zstd', 'zstd'],
    [false, 'zstd', 'none'],
    ['none', 'zstd', 'none'],
    ['gzip', 'zstd', 'gzip'],
  ] as const)('compress %s with compression %s → %s', (compress, compression, expected) => {
    expect(controllerDefaults(resolveConfig({ defaults: { target: { compress, compression } } }, {})).target.compress).toBe(expected);
  });

  it.each([
    ['rclone', undefined, 'zstd'],
    ['restic', undefined, 'none'],
    ['restic', true, 'zstd'],
    ['restic', 'gzip', 'gzip'],
    ['rclone', false, 'none'],
  ] as const)('backend %s with compress %s → %s (restic dedupes and compresses itself)', (backend, compress, expected) => {
    const target = compress === undefined ? {} : { compress };
    expect(controllerDefaults(resolveConfig({ upload: { backend, restic: { repository: '/r', password_file: '/p' } }, defaults: { target } }, {})).target.compress).toBe(expected);
  });
});
