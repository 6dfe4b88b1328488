// Parsers for label (and config) values. Each returns a value or a problem; none throws.
import type { Compression, RetentionPolicy } from '../model.js';
import { NOTIFY_SCHEMES, parseChannel, parsePing, splitChannelList } from '../notify/index.js';
import { errorMessage } from '../errors/index.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string; expected: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(message: string, expected: string): Parsed<T> => ({ ok: false, message, expected });

const TRUE = ['true', '1', 'yes'];
const FALSE = ['false', '0', 'no'];
const BOOLEAN_EXPECTED = 'true or false (also 1/0, yes/no)';

export function parseBoolean(raw: string): Parsed<boolean> {
  const v = raw.trim().toLowerCase();
  if (TRUE.includes(v)) return ok(true);
  if (FALSE.includes(v)) return ok(false);
  return fail(`not a boolean: "${raw}"`, BOOLEAN_EXPECTED);
}

/** `backup.stop`: a boolean, or `stack` (the container is stopped with its backup group). */
export function parseStop(raw: string): Parsed<boolean | 'stack'> {
  if (raw.trim().toLowerCase() === 'stack') return ok('stack');
  const bool = parseBoolean(raw);
  return bool.ok ? bool : fail(`not a boolean or "stack": "${raw}"`, `${BOOLEAN_EXPECTED}, or stack (stop the whole compose project or backup.group together)`);
}

/** A backup group's name: it names the group's manifests' directory, so it stays path-safe. */
export function parseGroupName(raw: string): Parsed<string> {
  const v = raw.trim();
  if (/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/.test(v)) return ok(v);
  return fail(`invalid group name "${raw}"`, 'letters, digits, "_" and "-", starting with a letter or digit (max 63), e.g. nextcloud');
}

/**
 * The services of compose's `com.docker.compose.depends_on` label: `name:condition:restart` entries, comma
 * separated (`db:service_healthy:false,cache:service_started:true`); an empty label depends on nothing.
 */
export function parseDependsOn(raw: string): Parsed<string[]> {
  const names: string[] = [];
  for (const entry of raw.split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const name = entry.split(':')[0]!.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) return fail(`not a service name: "${name}" in "${raw}"`, 'service:condition:restart entries separated by commas, as docker compose writes them');
    if (!names.includes(name)) names.push(name);
  }
  return ok(names);
}

/** `true` means the configured default compressor; `false` and `none` mean none. */
export function parseCompress(raw: string, defaultCompressor: Exclude<Compression, 'none'>): Parsed<Compression> {
  const v = raw.trim().toLowerCase();
  if (v === 'gzip' || v === 'zstd' || v === 'none') return ok(v);
  const bool = parseBoolean(v);
  if (bool.ok) return ok(bool.value ? defaultCompressor : 'none');
  return fail(`unknown compression "${raw}"`, 'true, false, gzip, zstd or none');
}

export function parsePort(raw: string): Parsed<number> {
  const v = raw.trim();
  const n = /^[0-9]{1,5}$/.test(v) ? Number(v) : NaN;
  if (n >= 1 && n <= 65535) return ok(n);
  return fail(`not a TCP port: "${raw}"`, 'an integer from 1 to 65535');
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const DURATION_EXPECTED = 'seconds, or a number with a unit s, m, h, d or w (e.g. 600, 30m, 2h)';

/** `600` (seconds) or `30m`, `2h`, `14d`, `2w`. */
export function parseDuration(raw: string): Parsed<number> {
  const match = /^([0-9]{1,9})([smhdw]?)$/.exec(raw.trim().toLowerCase());
  const seconds = match ? Number(match[1]) * UNIT_SECONDS[match[2] || 's']! : 0;
  if (seconds > 0) return ok(seconds);
  return fail(`not a positive duration: "${raw}"`, DURATION_EXPECTED);
}

export function parsePositiveInt(raw: string): Parsed<number> {
  const v = raw.trim();
  const n = /^[0-9]{1,9}$/.test(v) ? Number(v) : 0;
  if (n >= 1) return ok(n);
  return fail(`not a positive integer: "${raw}"`, 'an integer of at least 1');
}

/** `7` keeps the newest 7; `14d`/`12h`/`2w` keeps everything younger than that. */
export function parseRetention(raw: string): Parsed<RetentionPolicy> {
  const v = raw.trim().toLowerCase();
  if (/^[0-9]+$/.test(v)) {
    const n = parsePositiveInt(v);
    return n.ok ? ok({ keepLast: n.value }) : fail(`retention must keep at least one backup: "${raw}"`, 'a count (7) or an age (14d, 12h, 2w)');
  }
  const age = parseDuration(v);
  if (age.ok && /[smhdw]$/.test(v)) return ok({ keepWithinSeconds: age.value });
  return fail(`not a retention: "${raw}"`, 'a count (7) or an age (14d, 12h, 2w)');
}

export function parseDatabases(raw: string): Parsed<'all' | string[]> {
  const names = raw.split(',').map((s) => s.trim());
  if (names.length === 1 && names[0]!.toLowerCase() === 'all') return ok('all');
  if (names.some((n) => n.length === 0)) return fail(`empty database name in "${raw}"`, '"all" or comma-separated names (a,b)');
  if (names.some((n) => n.toLowerCase() === 'all')) return fail(`"all" cannot be combined with names: "${raw}"`, '"all" or comma-separated names (a,b)');
  return ok([...new Set(names)]);
}

/** An absolute path inside the container, without `..` (it names what to read, never where to climb). */
export function parseAbsolutePath(raw: string): Parsed<string> {
  const v = raw.trim();
  const expected = 'an absolute path inside the container, e.g. /config';
  if (!v.startsWith('/')) return fail(`path must be absolute: "${raw}"`, expected);
  if (v.split('/').includes('..')) return fail(`path must not contain "..": "${raw}"`, expected);
  if (v.includes('\0')) return fail('path contains a NUL byte', expected);
  return ok(v.length > 1 ? v.replace(/\/+$/, '') : v);
}

/** Comma-separated globs relative to the target's path; empty entries (a trailing comma) are ignored. */
export function parseGlobList(raw: string): Parsed<string[]> {
  const globs = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (globs.length === 0) return fail('no patterns given', 'comma-separated globs relative to path, e.g. *.log,cache/*');
  return ok(globs);
}

export function parseNonEmpty(raw: string, what: string): Parsed<string> {
  const v = raw.trim();
  return v.length > 0 ? ok(v) : fail(`${what} is empty`, `a non-empty ${what}`);
}

/** `backup.notify_on_*`: alert URLs, each parsed as the notifier will (messages never quote the URL: it may hold a token). */
export function parseAlertUrls(raw: string): Parsed<string[]> {
  const urls = splitChannelList(raw);
  if (urls.length === 0) return fail('no alert URL given', 'one or more alert URLs separated by spaces, e.g. ntfy://ntfy.sh/my-topic');
  for (const [i, url] of urls.entries()) {
    try {
      parseChannel(url);
    } catch (err) {
      return fail(`URL ${i + 1}: ${errorMessage(err)}`, `alert URLs (schemes: ${NOTIFY_SCHEMES.join(', ')}); see docs/notifications.md`);
    }
  }
  return ok(urls);
}

/** `backup.<type>.<instance>.ping`: Healthchecks.io or Uptime Kuma push URLs. */
export function parsePingUrls(raw: string): Parsed<string[]> {
  const urls = splitChannelList(raw);
  if (urls.length === 0) return fail('no ping URL given', 'a Healthchecks.io or Uptime Kuma push URL');
  for (const [i, url] of urls.entries()) {
    try {
      parsePing(url);
    } catch (err) {
      return fail(`URL ${i + 1}: ${errorMessage(err)}`, 'https://hc-ping.com/<uuid>, https://hc-ping.com/<ping-key>/<slug> or https://<kuma>/api/push/<token>');
    }
  }
  return ok(urls);
}
