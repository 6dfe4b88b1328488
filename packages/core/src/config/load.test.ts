import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors/index.js';
import { loadConfig, yamlProblem } from './load.js';
import { CONFIG_SCHEMA } from './schema.js';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const fixture = (name: string) => here(`./__fixtures__/${name}`);
const example = here('../../../../docs/config.example.yml');

function loadError(options: Parameters<typeof loadConfig>[0]): ConfigError {
  try {
    loadConfig(options);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs on embedded defaults when no file is given', () => {
    const { config, source } = loadConfig({ env: { BAQUP_DATA_DIR: '/data' } });
    expect(source).toBe('defaults');
    expect(config.staging.path).toBe('/data/staging');
    expect(config.upload).toMatchObject({ backend: 'rclone', remote: '/data/remote' });
  });

  it('loads and validates the documented example', () => {
    const { config, source } = loadConfig({ path: example, env: { BAQUP_DATA_DIR: '/srv/baqup', TZ: 'Europe/Berlin' } });
    expect(source).toBe(example);
    expect(config.data_dir).toBe('/srv/baqup');
    expect(config.staging.path).toBe('/srv/baqup/staging');
    expect(config.timezone).toBe('Europe/Berlin');
    expect(config.defaults.schedules.monthly).toEqual({ cron: '0 5 1 * *', keep_monthly: 12 });
    expect(config.upload.remote).toBe('/var/lib/baqup/remote');
  });

  it('takes the path from BAQUP_CONFIG', () => {
    expect(loadConfig({ env: { BAQUP_CONFIG: example } }).source).toBe(example);
  });

  it('an empty file (comments only) is the defaults', () => {
    expect(loadConfig({ path: fixture('empty.yml'), env: { BAQUP_DATA_DIR: '/d' } }).config).toEqual(loadConfig({ env: { BAQUP_DATA_DIR: '/d' } }).config);
  });

  it('lists every problem of a file, names the file, never prints a secret', () => {
    const err = loadError({ path: fixture('many-errors.yml'), env: {} });
    expect(err.problems).toEqual([
      '/poll_interval: environment variable POLL_SECONDS is not set (write ${POLL_SECONDS:-default} to give a default)',
      '/upload: unknown property "remot" (did you mean "remote"?); expected one of: backend, remote, bwlimit, retries, restic',
      '/upload/backend: must be one of rclone, restic',
      '/notifications/on_success: must be false or a list of notification URLs',
      '/logging/level: must be one of debug, info, warn, error',
      '/concurrency: must be >= 1',
      '/defaults/schedules/nightly/cron: invalid cron expression: Constraint error, got value 25 expected range 0-23',
      '/defaults/target/schedule: unknown schedule "nigthly"; defined: nightly, daily, hourly, weekly',
      '/timezone: unknown time zone "Mars/Olympus" (an IANA name such as Europe/Paris, or UTC)',
      '/api: set token or token_file, not both',
    ]);
    expect(err.message.startsWith(`${fixture('many-errors.yml')}: 10 problems:`)).toBe(true);
    expect(err.message).not.toContain('s3cr3t-token');
  });

  it('a YAML syntax error names the file and the line', () => {
    const err = loadError({ path: fixture('bad-syntax.yml'), env: {} });
    expect(err.message).toMatch(/bad-syntax\.yml: not valid YAML: Map keys must be unique at line 3/);
  });

  it('a file that is a list, not a mapping', () => {
    expect(loadError({ path: fixture('list.yml'), env: {} }).message).toMatch(/list\.yml: the top level must be a mapping/);
  });

  it('a missing file', () => {
    const err = loadError({ path: fixture('nope.yml'), env: {} });
    expect(err.message).toMatch(/nope\.yml: cannot read the config file: ENOENT/);
    expect(err.code).toBe('BAQUP_CONFIG_INVALID');
  });
});

describe('published schema', () => {
  it('schema/config.schema.json is the TypeScript source (run `pnpm --filter @baqup/core build` if not)', () => {
    expect(JSON.parse(readFileSync(here('../../schema/config.schema.json'), 'utf8'))).toEqual(CONFIG_SCHEMA);
  });

  it('the example config passes the published schema as an editor would check it', () => {
    const raw = parseYaml(readFileSync(example, 'utf8')) as unknown;
    const validate = new Ajv({ strict: false }).compile(CONFIG_SCHEMA);
    // Editors see ${VAR} unexpanded, so the example keeps substitutions to string-typed fields.
    expect(validate(raw), JSON.stringify(validate.errors)).toBe(true);
    expect(readFileSync(example, 'utf8').split('\n')[0]).toBe('# yaml-language-server: $schema=../packages/core/schema/config.schema.json');
  });
});

describe('a YAML syntax error quotes its line only when it holds no secret', () => {
  it.each([
    ['api:\n  token: "tk-abc123\n', 'tk-abc123'],
    ['restic:\n  password: {s3cr3t-pw\n', 's3cr3t-pw'],
    ['upload:\n  secret_access_key: [AKIAxyz\n', 'AKIAxyz'],
    ['restic: {password: s3cr3t-pw, repo: [x\n', 's3cr3t-pw'],
  ])('%j', (text, secret) => {
    const why = yamlProblem(yamlError(text), text);
    expect(why).not.toContain(secret);
    expect(why).toMatch(/at line \d+/);
  });

  it('quotes an ordinary line', () => {
    const text = 'logging:\n  level: info\n  level: debug\n';
    expect(yamlProblem(yamlError(text), text)).toMatch(/Map keys must be unique at line 3, column 3:\n {2} {2}level: debug$/);
  });
});

function yamlError(text: string): unknown {
  try {
    parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    return err;
  }
  throw new Error('expected a YAML error');
}
