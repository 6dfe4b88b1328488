// Rules a JSON Schema cannot say: cron syntax (cron-parser's dialect), schedule references, time zone names,
// and settings that need each other. Runs on the schema-validated tree; tolerates wrong types (already reported).
import { cronProblem } from '../cron.js';
import { parseRetention } from '../labels/values.js';
import { escapePointer } from './env-substitute.js';

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
