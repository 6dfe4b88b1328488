// Rules a JSON Schema cannot say: cron syntax (cron-parser's dialect), schedule references, time zone names,
// and settings that need each other. Runs on the schema-validated tree; tolerates wrong types (already reported).
import { cronProblem } from '../cron.js';
import { parseRetention } from '../labels/values.js';
import { escapePointer } from './env-substitute.js';
import { parseChannel, parsePing } from '../notify/index.js';
import { errorMessage } from '../errors/index.js';

type Tree = Record<string, unknown>;
const obj = (v: unknown): Tree => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Tree) : {});

export function checkSemantics(tree: Tree): string[] {
  const problems: string[] = [];
  const defaults = obj(tree.defaults);
  const schedules = obj(defaults.schedules);
  for (const [name, def] of Object.entries(schedules)) {
    const at = `/defaults/schedules/${escapePointer(name)}`;
    const s = obj(def);
    if (s.cron === undefined) problems.push(`${at}/cron: is required (the schedule is not one of the built-in daily, hourly, weekly)`);
    if (typeof s.cron === 'string') {
      const problem = cronProblem(s.cron);
      if (problem) problems.push(`${at}/cron: ${problem}`);
    }
    if ((typeof s.retention === 'string' || typeof s.retention === 'number') && !parseRetention(String(s.retention)).ok) {
      problems.push(`${at}/retention: must be a count (7) or an age (14d, 12h, 2w)`);
    }
  }
  const target = obj(defaults.target);
  if (typeof target.schedule === 'string' && !Object.hasOwn(schedules, target.schedule)) {
    problems.push(`/defaults/target/schedule: unknown schedule "${target.schedule}"; defined: ${Object.keys(schedules).join(', ')}`);
  }

  if (typeof tree.timezone === 'string' && !isTimeZone(tree.timezone)) {
    problems.push(`/timezone: unknown time zone "${tree.timezone}" (an IANA name such as Europe/Paris, or UTC)`);
  }

  const drills = obj(tree.drills);
  if (typeof drills.cron === 'string') {
    const problem = cronProblem(drills.cron);
    if (problem) problems.push(`/drills/cron: ${problem}`);
  }

  const upload = obj(tree.upload);
  const restic = obj(upload.restic);
  if (typeof restic.check_cron === 'string') {
    const problem = cronProblem(restic.check_cron);
    if (problem) problems.push(`/upload/restic/check_cron: ${problem}`);
  }
  if (restic.password !== undefined && restic.password_file !== undefined) {
    problems.push('/upload/restic: set password or password_file, not both');
  }
  if (upload.backend === 'restic') {
    if (restic.repository === undefined) problems.push('/upload/restic/repository: is required when upload.backend is restic');
    if (restic.password === undefined && restic.password_file === undefined) {
      problems.push('/upload/restic/password_file: is required when upload.backend is restic (or set password)');
    }
  }

  problems.push(...notificationProblems(obj(tree.notifications)));

  const api = obj(tree.api);
  if (api.token !== undefined && api.token_file !== undefined) problems.push('/api: set token or token_file, not both');
  return problems;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

// Not URL-shaped at all: the schema's pattern already said so.
const isUrl = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z][A-Za-z0-9+.-]*:\/\/\S+$/.test(v);

/** Each alert and ping URL parsed as the notifier will: an unknown scheme or a broken form is a config problem, not a crash at start. */
function notificationProblems(n: Tree): string[] {
  const problems: string[] = [];
  const check = (at: string, fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      problems.push(`${at}: ${errorMessage(err)}`);
    }
  };
  for (const key of ['on_failure', 'on_success'] as const) {
    const list = n[key];
    if (Array.isArray(list)) list.forEach((u, i) => isUrl(u) && check(`/notifications/${key}/${i}`, () => parseChannel(u)));
  }
  const hooks = n.webhook === undefined ? [] : Array.isArray(n.webhook) ? n.webhook : [n.webhook];
  hooks.forEach((h, i) => {
    const at = Array.isArray(n.webhook) ? `/notifications/webhook/${i}` : '/notifications/webhook';
    if (isUrl(h)) check(at, () => parseChannel({ url: h }));
    else if (h && typeof h === 'object' && typeof (h as Tree).url === 'string') check(at, () => parseChannel(h as { url: string }));
  });
  if (Array.isArray(n.ping)) n.ping.forEach((u, i) => isUrl(u) && check(`/notifications/ping/${i}`, () => parsePing(u)));
  return problems;
}
