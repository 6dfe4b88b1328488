// Random label maps from fragments of valid keys and values plus garbage: parseLabels must never throw, every
// error must name a label and say something, and no secret may leak into the output.
import { describe, expect, it } from 'vitest';
import { builtinDefaults } from '../config/controller-defaults.js';
import type { ControllerDefaults } from './controller-defaults.js';
import { parseLabels } from './parse-labels.js';
import { seededRandom as rng } from '../testing.js';


const SECRET = 'S3CR3T-VALUE';
const SEGMENTS_2 = ['enabled', 'stop', 'schedule', 'postgres', 'mariadb', 'mysql', 'mongo', 'redis', 'sqlite', 'fs', 'postgress', 'enabeld', 'Fs', '', 'x'];
const NAMES = ['main', 'daily', 'hourly', 'weekly', 'nightly', 'a', 'constructor', '__proto__', 'toString', 'my-db', '-bad', 'x y', '', 'hasOwnProperty'];
const PROPS = ['cron', 'retention', 'keep_daily', 'keep_weekly', 'keep_monthly', 'port', 'username', 'password', 'password_env', 'password_file', 'databases', 'compress', 'schedule', 'timeout', 'pre_exec', 'path', 'exclude', 'usernme', 'passwrd', 'pth', '', 'valueOf'];
const VALUES = ['true', 'false', 'yes', '0', '1', '7', '14d', '2w', '0 3 * * *', '@daily', '0 61 * * *', '* * *', 'all', 'a,b', 'all,a', ',', '/data', '/a/../b', 'rel', '5432', '99999', '-1', 'gzip', 'zstd', 'none', 'lz4', '30m', 'daily', 'nightly', 'daily,weekly', '', ' ', 'POSTGRES_PASSWORD', 'NOPE', 'bad-name', '/run/secrets/x', '\u0000', '💥', 'x'.repeat(300), '${X}', '__proto__'];
const ENV = ['POSTGRES_PASSWORD=' + SECRET, 'POSTGRES_PASSWORD_FILE=/run/secrets/pg', 'POSTGRES_USER=app', 'MARIADB_ROOT_PASSWORD=' + SECRET, 'MARIADB_USER=u', 'MARIADB_PASSWORD=' + SECRET, 'MONGO_INITDB_ROOT_USERNAME=r', 'MONGO_INITDB_ROOT_PASSWORD=' + SECRET, 'REDIS_PASSWORD=' + SECRET, 'NOEQUALS', '=novalue', 'A=b=c'];

const TEMPLATES: Record<string, string>[] = [
  { 'backup.postgres.main.databases': 'all' },
  { 'backup.fs.data.path': '/data', 'backup.fs.data.exclude': '*.log' },
  { 'backup.redis.cache.schedule': 'hourly', 'backup.sqlite.app.path': '/app.db' },
  { 'backup.mariadb.db.username': 'u', 'backup.schedule.nightly.cron': '0 2 * * *', 'backup.mariadb.db.schedule': 'nightly' },
];

function pick<T>(r: () => number, items: readonly T[]): T {
  return items[Math.floor(r() * items.length)]!;
}

function garbage(r: () => number): string {
  const chars = 'abc.xyz_-/ =*,\u00e9\u0000\n';
  return Array.from({ length: Math.floor(r() * 12) }, () => pick(r, chars.split(''))).join('');
}

function randomKey(r: () => number): string {
  const roll = r();
  if (roll < 0.05) return garbage(r);
  if (roll < 0.1) return `backup.${garbage(r)}`;
  const parts = ['backup', pick(r, SEGMENTS_2)];
  const depth = Math.floor(r() * 4);
  if (depth >= 1) parts.push(r() < 0.9 ? pick(r, NAMES) : garbage(r));
  if (depth >= 2) parts.push(r() < 0.9 ? pick(r, PROPS) : garbage(r));
  if (depth >= 3) parts.push(pick(r, PROPS));
  return parts.join('.');
}

function randomLabels(r: () => number): Record<string, string> {
  const labels: Record<string, string> = {};
  if (r() < 0.8) labels['backup.enabled'] = r() < 0.8 ? 'true' : pick(r, VALUES);
  // Half the containers start from valid targets, so mutations land on something that would otherwise work.
  if (r() < 0.5) Object.assign(labels, pick(r, TEMPLATES));
  const n = Math.floor(r() * 10);
  for (let i = 0; i < n; i++) {
    const key = randomKey(r);
    // Anything at a password key is the secret, so a leak is detectable.
    const value = /passw|pwd/.test(key) && !/_env|_file/.test(key) ? SECRET : r() < 0.9 ? pick(r, VALUES) : garbage(r);
    Object.defineProperty(labels, key, { value, enumerable: true, configurable: true, writable: true });
  }
  return labels;
}

const BASE_DEFAULTS = builtinDefaults();

function randomDefaults(r: () => number): ControllerDefaults {
  const d = structuredClone(BASE_DEFAULTS);
  if (r() < 0.1) d.target.schedule = 'missing';
  if (r() < 0.1) d.schedules = {};
  if (r() < 0.1) d.target.compress = 'none';
  return d;
}

describe('parseLabels fuzz', () => {
  it('never throws, always explains, never leaks (5000 random containers)', { timeout: 120_000 }, () => {
    const r = rng(20240115);
    let errors = 0;
    let targets = 0;
    for (let i = 0; i < 5000; i++) {
      const labels = randomLabels(r);
      const envPicked = ENV.filter(() => r() < 0.3);
      const env = r() < 0.5 ? envPicked : Object.fromEntries(envPicked.map((e) => [e.split('=')[0]!, e.split('=').slice(1).join('=')]));
      const config = parseLabels(labels, env, randomDefaults(r), { id: `c${i}`, name: `/n${i}`, image: 'img' });
      // Plain checks, one expect per failure: 5000 × expect() would dominate the run time.
      const problems: string[] = [];
      for (const e of config.errors) {
        if (typeof e.label !== 'string' || e.label.length === 0) problems.push(`error without label: ${JSON.stringify(e)}`);
        if (typeof e.message !== 'string' || e.message.length === 0) problems.push(`error without message: ${JSON.stringify(e)}`);
        if (typeof e.value !== 'string') problems.push(`error value not a string: ${JSON.stringify(e)}`);
        if (e.message.includes('internal error')) problems.push(e.message);
      }
      if (JSON.stringify(config).includes(SECRET)) problems.push('secret leaked');
      if (!config.enabled && config.targets.length > 0) problems.push('disabled container has targets');
      for (const t of config.targets) if (!Object.hasOwn(config.schedules, t.schedule)) problems.push(`target on unknown schedule ${t.schedule}`);
      if (problems.length > 0) expect(problems, `case ${i}: ${JSON.stringify(labels)}`).toEqual([]);
      errors += config.errors.length;
      targets += config.targets.length;
    }
    // The generator must exercise both sides, or the test proves nothing.
    expect(errors).toBeGreaterThan(1000);
    expect(targets).toBeGreaterThan(500);
  });

  it('survives inputs of the wrong shape', () => {
    const d = builtinDefaults();
    const ref = { id: 'x', name: 'x', image: 'x' };
    const odd: unknown[] = [null, undefined, 42, 'backup.enabled=true', [], { 'backup.enabled': 1 }, { 'backup.enabled': 'true', 'backup.fs.a.path': null }];
    for (const labels of odd) {
      for (const env of [null, undefined, 5, ['A'], [1, 2], { A: 1 }] as unknown[]) {
        const config = parseLabels(labels as Record<string, string>, env as string[], d, ref);
        expect(config.errors.every((e) => !e.message.includes('internal error'))).toBe(true);
      }
    }
    const broken = parseLabels({ 'backup.enabled': 'true', 'backup.fs.a.path': '/a' }, [], {} as ControllerDefaults, null as never);
    expect(broken.targets).toEqual([]);
    expect(broken.errors.length).toBeGreaterThan(0);
  });
});
