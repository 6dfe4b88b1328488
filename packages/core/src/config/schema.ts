// The controller config's JSON Schema: the single source of truth. `pnpm build` writes it to
// schema/config.schema.json for editors (a unit test fails if that file is stale). Defaults here are the spec's
// config/defaults.yml; defaults that depend on the environment (data dir, time zone) are filled by resolveConfig.

const positiveInt = { type: 'integer', minimum: 1 } as const;
const nonEmpty = { type: 'string', minLength: 1 } as const;
const URL_PATTERN = '^[A-Za-z][A-Za-z0-9+.-]*://\\S+$';
const LISTEN_PATTERN = '^(\\[[0-9A-Fa-f:.]+\\]|[^:\\s\\[\\]]+):[0-9]{1,5}$';
const NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$';
const RETENTION_PATTERN = '^[0-9]+[smhdw]?$';
const url = { type: 'string', pattern: URL_PATTERN } as const;
const HOST_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$';

/** What each pattern means, for error messages ("must match ^…$" helps nobody). */
export const PATTERN_HINTS: Readonly<Record<string, string>> = {
  [URL_PATTERN]: 'must be a URL such as ntfy://ntfy.example/alerts',
  [LISTEN_PATTERN]: 'must be host:port, e.g. 127.0.0.1:8080 or [::1]:8080',
  [HOST_PATTERN]: 'must be a host name of letters, digits, ".", "_" and "-" (at most 63), e.g. nas or pi-4.lan',
  [NAME_PATTERN]: 'must be a name of letters, digits, "_" and "-"',
  [RETENTION_PATTERN]: 'must be a count (7) or an age (14d, 12h, 2w)',
};

const webhook = {
  type: 'object',
  additionalProperties: false,
  required: ['url'],
  properties: { url, headers: { type: 'object', additionalProperties: { type: 'string' } } },
} as const;

const triggerRetention = (what: string, keep: number) =>
  ({
    type: ['integer', 'string'],
    minimum: 1,
    pattern: RETENTION_PATTERN,
    default: keep,
    description: `Retention of ${what} per target: keep the newest N (${keep}), or everything younger than an age (14d). Never counts or removes scheduled backups.`,
  }) as const;

const schedule = {
  type: 'object',
  description: 'A named schedule. Labels `backup.schedule.<name>.*` override it per container.',
  additionalProperties: false,
  properties: {
    cron: { ...nonEmpty, description: 'cron-parser v5 dialect: 5 fields, or 6 with seconds first.' },
    retention: {
      type: ['integer', 'string'],
      minimum: 1,
      pattern: RETENTION_PATTERN,
      description: 'Keep the newest N (7), or everything younger than an age (14d, 12h, 2w).',
    },
    keep_daily: positiveInt,
    keep_weekly: positiveInt,
    keep_monthly: positiveInt,
  },
} as const;

export const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'baqup controller config',
  type: 'object',
  additionalProperties: false,
  properties: {
    data_dir: { ...nonEmpty, description: 'Default: $BAQUP_DATA_DIR, else ./.baqup-data. Other defaulted paths live under it.' },
    host: {
      type: 'string',
      pattern: HOST_PATTERN,
      description:
        "This controller's name on the remote: its files sit under `{remote}/{host}/`, and it tags restic snapshots (`--host`), so several hosts can share one remote and never prune each other's backups. Must survive recreating baqup's container. Default: $BAQUP_HOSTNAME, else the Docker engine's host name (`docker info` Name), never the container's own hostname (its id).",
    },
    retention: {
      type: 'object',
      default: {},
      additionalProperties: false,
      description: 'Retention of backups no schedule governs; each is its own group per target.',
      properties: {
        manual: triggerRetention('manual backups (`baqup backup`, POST /api/backups)', 5),
        safety: triggerRetention('the safety copies a restore takes of what it replaces', 3),
      },
    },
    defaults: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        schedules: {
          type: 'object',
          description: 'Merged by name over the built-in daily, hourly and weekly.',
          propertyNames: { pattern: NAME_PATTERN },
          additionalProperties: schedule,
          default: {},
        },
        target: {
          type: 'object',
          default: {},
          additionalProperties: false,
          properties: {
            schedule: { ...nonEmpty, default: 'daily' },
            compress: {
              enum: [true, false, 'gzip', 'zstd', 'none'],
              description:
                'Compression of a target without a compress label. Unset: true with the rclone backend, none with restic (restic compresses and deduplicates by itself; a compressed stream defeats its deduplication).',
            },
            compression: { enum: ['gzip', 'zstd'], default: 'zstd', description: 'What compress=true means.' },
            compression_level: {
              type: 'object',
              default: {},
              additionalProperties: false,
              properties: {
                gzip: { type: 'integer', minimum: 1, maximum: 9, default: 6 },
                zstd: { type: 'integer', minimum: 1, maximum: 19, default: 3 },
              },
            },
            timeout: { ...positiveInt, default: 3600, description: 'Seconds a whole job may take.' },
          },
        },
      },
    },
    staging: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        path: { ...nonEmpty, description: 'Default: <data_dir>/staging.' },
        cleanup_after_upload: { type: 'boolean', default: true },
        resume_free_mib: {
          ...positiveInt,
          default: 256,
          description:
            'After a full staging disk halted new jobs: they all run again once this many MiB are free (or what the failed job needed, if less). Meanwhile a target whose last backup fits twice in the free space still runs.',
        },
      },
    },
    upload: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        backend: { enum: ['rclone', 'restic'], default: 'rclone' },
        remote: { ...nonEmpty, description: 'rclone destination; a local path works. Default: <data_dir>/remote.' },
        bwlimit: { ...nonEmpty, description: 'rclone --bwlimit value, e.g. 10M.' },
        retries: { type: 'integer', minimum: 0, default: 3 },
        restic: {
          type: 'object',
          default: {},
          additionalProperties: false,
          properties: {
            repository: nonEmpty,
            password_file: nonEmpty,
            password: nonEmpty,
            check_cron: { ...nonEmpty, default: '0 5 * * 0' },
            stale_lock_minutes: { ...positiveInt, default: 30 },
            maintenance: { type: 'boolean', default: true },
          },
        },
      },
    },
    notifications: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        on_failure: { type: 'array', items: url, default: [] },
        on_success: {
          anyOf: [{ const: false }, { type: 'array', items: url }],
          default: false,
          description: 'false, or notification URLs.',
        },
        click_url: { ...url, description: 'Link every alert carries (e.g. your dashboard, or the API: http://host:8080/api/status).' },
        webhook: {
          description: 'JSON webhooks told about everything: a URL, {url, headers}, or a list of those.',
          anyOf: [url, webhook, { type: 'array', items: { anyOf: [url, webhook] } }],
        },
        ping: {
          type: 'array',
          items: url,
          default: [],
          description: "Dead-man's-switch pings for every job: Healthchecks.io or Uptime Kuma push URLs.",
        },
      },
    },
    logging: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        level: { enum: ['debug', 'info', 'warn', 'error'], default: 'info' },
        format: { enum: ['json', 'text'], default: 'json' },
      },
    },
    poll_interval: { ...positiveInt, default: 60, description: 'Seconds between discovery/schedule checks.' },
    resync_interval: { ...positiveInt, default: 300, description: 'Seconds between full re-lists of containers.' },
    timezone: { ...nonEmpty, description: 'IANA zone for cron. Default: $TZ, else UTC.' },
    concurrency: { ...positiveInt, default: 2 },
    queue_limit: { ...positiveInt, default: 100 },
    staleness_factor: { type: 'number', minimum: 1, default: 2, description: 'A target is stale after factor × its interval.' },
    drills: {
      type: 'object',
      default: {},
      additionalProperties: false,
      description: 'Drills: the newest backup of each target restored into a throwaway container and checked, on a schedule.',
      properties: {
        enabled: { type: 'boolean', default: true, description: 'Scheduled drills on or off (`baqup drill` works either way).' },
        cron: { ...nonEmpty, default: '30 4 * * 0', description: 'When targets are drilled (one at a time); a target label `drill=<cron>` overrides it.' },
        from: { enum: ['remote', 'staging'], default: 'remote', description: 'The copy a scheduled drill loads.' },
        max_age_days: { type: 'number', minimum: 1, default: 8, description: 'A target whose last passed drill is older than this is "not verified".' },
        memory_mb: { ...positiveInt, default: 1024, description: 'Memory limit of the throwaway container, MiB.' },
        cpus: { type: 'number', exclusiveMinimum: 0, default: 1, description: 'CPU limit of the throwaway container.' },
        ready_timeout: { ...positiveInt, default: 180, description: 'Seconds a drill waits for the engine in its throwaway container.' },
      },
    },
    journal: { ...nonEmpty, description: 'Record of containers stopped for a backup. Default: <data_dir>/journal.json.' },
    api: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        listen: { type: 'string', pattern: LISTEN_PATTERN, default: '127.0.0.1:8080' },
        token: nonEmpty,
        token_file: nonEmpty,
        protect_reads: { type: 'boolean', default: false },
        /** POST /api/restores: off unless set (a restore overwrites live data). */
        allow_restore: { type: 'boolean', default: false },
      },
    },
    health: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        stale_targets_unready: { type: 'boolean', default: false, description: 'GET /readyz answers 503 while any target is stale.' },
      },
    },
    history: {
      type: 'object',
      default: {},
      additionalProperties: false,
      properties: {
        retention_days: { ...positiveInt, default: 400, description: 'Days of runs, restores, verifications, drills, notifications and discovery events kept in <data_dir>/baqup.db.' },
      },
    },
  },
} as const;
