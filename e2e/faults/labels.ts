// Random and hostile `backup.*` label sets from a seeded PRNG: unknown types and options, empty, huge, control and
// non-ASCII values, prototype keys, path escapes, shell metacharacters, absurd durations and crons.
import { prng } from './world.js';

const TYPES = ['fs', 'postgres', 'mariadb', 'mysql', 'redis', 'sqlite', 'mongo', '', 'FS', '__proto__', 'constructor', 'x'.repeat(200)];
const INSTANCES = ['main', 'data', '', '..', '.', '__proto__', 'constructor', 'prototype', 'a.b', 'x y', '\u00fc', 'a'.repeat(300), '0', '-1'];
const OPTIONS = [
  'path', 'timeout', 'compress', 'schedule', 'password', 'password_env', 'password_file', 'databases', 'exclude', 'user', 'username',
  'stop', 'retention', 'keep_daily', 'cron', 'database', 'socket', 'port', '', '__proto__', 'hasOwnProperty', 'toString',
];
const VALUES = [
  '', ' ', '-1', '0', '1', '1e309', 'NaN', 'Infinity', '99999999999', '30d', '25d', '1000y', '1ms', 'true', 'false', 'maybe', 'TRUE',
  '../../etc', '/', '/proc/self/environ', '/dev/zero', '/data', '/config', 'relative/path', '${HOME}', '$(reboot)', '`id`', '; rm -rf /',
  '{"a":1}', '[1,2]', '*/0 * * * *', '* * * * * * *', '61 25 32 13 8', '@reboot', '0 0 31 2 *', 'gzip', 'zstd', 'bzip9', 'none',
  'daily', 'hourly', 'nope', 'a,b,,c', 'POSTGRES_PASSWORD', 'UNSET_VAR_XYZ', '\u00df\u2202\u0192', '\t\n\r', 'x'.repeat(70000),
  '\u202eevil', '%00', 'a'.repeat(4096) + ',b',
];

/** One container's labels: always `backup.enabled` (mostly true, so discovery parses the rest), 1–12 hostile ones. */
export function hostileLabels(seed: number): Record<string, string> {
  const r = prng(seed);
  const labels: Record<string, string> = { 'backup.enabled': r.next() < 0.8 ? 'true' : r.pick(['', 'yes', '1', 'TRUE', 'x'.repeat(500)]) };
  for (let i = 1 + r.int(12); i > 0; i--) {
    const shape = r.int(6);
    let key: string;
    if (shape === 0) key = `backup.${r.pick(['stop', 'enabled', 'schedule', 'exclude', 'timeout', '', '.', '__proto__', 'x'.repeat(300)])}`;
    else if (shape === 1) key = `backup.schedule.${r.pick(['daily', 'hourly', 'custom', '', '__proto__', 'constructor'])}.${r.pick(['cron', 'retention', 'keep_daily', 'keep_weekly', 'keep_monthly', 'x'])}`;
    else if (shape === 2) key = `backup.${r.pick(TYPES)}`;
    else if (shape === 3) key = `backup.${r.pick(TYPES)}.${r.pick(INSTANCES)}`;
    else key = `backup.${r.pick(TYPES)}.${r.pick(INSTANCES)}.${r.pick(OPTIONS)}`;
    if (r.next() < 0.1) key += r.pick(['.', '..', '.x.y.z', ' ', '\u00e9']);
    labels[key] = r.pick(VALUES);
  }
  return labels;
}
