// One target from its `backup.<type>.<instance>.*` labels, with engine and controller defaults filled in.
import type { CredentialSource, LabelError, ScheduleConfig, TargetConfig, TargetType } from '../model.js';
import type { ControllerDefaults } from './controller-defaults.js';
import { isShowableReference, labelCredential } from './credentials.js';
import { didYouMean } from './did-you-mean.js';
import { engineDefaults } from './engine-defaults.js';
import { REDACTED } from '../redact/index.js';
import { CREDENTIAL_PROPERTIES, isSecretProperty } from './keys.js';
import type { RawLabel } from './parse-schedules.js';
import type { Parsed } from './values.js';
import { cronProblem } from '../cron.js';
import {
  parseAbsolutePath,
  parseBoolean,
  parseCompress,
  parseDatabases,
  parseDuration,
  parseGlobList,
  parseNonEmpty,
  parsePingUrls,
  parsePort,
} from './values.js';

export interface TargetContext {
  env: ReadonlyMap<string, string>;
  defaults: ControllerDefaults;
  schedules: Readonly<Record<string, ScheduleConfig>>;
  brokenSchedules: ReadonlySet<string>;
}

export interface ParsedTarget {
  /** Absent when any of its labels is wrong: a broken target is dropped, never run on guesses. */
  target?: TargetConfig;
  errors: LabelError[];
}

/** `props` holds only properties valid for `type` (classifyKey has rejected the rest). */
export function parseTarget(type: TargetType, instance: string, props: ReadonlyMap<string, RawLabel>, ctx: TargetContext): ParsedTarget {
  const errors: LabelError[] = [];
  const keyOf = (property: string): string => `backup.${type}.${instance}.${property}`;
  const read = <T>(property: string, parse: (raw: string) => Parsed<T>): T | undefined => {
    const raw = props.get(property);
    if (!raw) return undefined;
    const parsed = parse(raw.value);
    if (parsed.ok) return parsed.value;
    errors.push({ label: raw.label, value: shown(property, raw.value, ctx.env), message: parsed.message, expected: parsed.expected });
    return undefined;
  };

  const username = read('username', (v) => parseNonEmpty(v, 'username'));
  const fallback = engineDefaults(type, ctx.env, username);
  const password = readCredential(props, ctx.env, errors) ?? fallback.password;
  const { target: targetDefaults } = ctx.defaults;
  const compress = read('compress', (v) => parseCompress(v, targetDefaults.compression)) ?? targetDefaults.compress;
  const scheduleName = read('schedule', (v) => parseNonEmpty(v, 'schedule name')) ?? targetDefaults.schedule;
  checkSchedule(scheduleName, props.get('schedule') ?? { label: keyOf('schedule'), value: '' }, ctx, errors);

  const target: TargetConfig = {
    type,
    instance,
    schedule: scheduleName,
    compress,
    timeoutSeconds: read('timeout', parseDuration) ?? targetDefaults.timeoutSeconds,
    properties: {},
  };
  if (compress !== 'none') target.compressionLevel = targetDefaults.compressionLevel[compress];
  const preExec = read('pre_exec', (v) => parseNonEmpty(v, 'command'));
  if (preExec !== undefined) target.preExec = preExec;
  const postExec = read('post_exec', (v) => parseNonEmpty(v, 'command'));
  if (postExec !== undefined) target.postExec = postExec;
  const ping = read('ping', parsePingUrls);
  if (ping !== undefined) target.ping = ping;
  const user = username ?? fallback.username;
  if (user !== undefined) target.username = user;
  if (password !== undefined) target.password = password;
  const port = read('port', parsePort) ?? fallback.port;
  if (port !== undefined) target.port = port;
  const databases = read('databases', parseDatabases) ?? fallback.databases;
  if (databases !== undefined) target.databases = databases;
  const path = read('path', parseAbsolutePath) ?? fallback.path;
  if (path !== undefined) target.path = path;
  else if ((type === 'fs' || type === 'sqlite') && !props.has('path')) {
    const what = type === 'fs' ? 'the directory to archive, e.g. /config' : 'the database file, e.g. /data/app.db';
    errors.push({ label: keyOf('path'), value: '', message: `${type} target "${instance}" needs a path`, expected: `an absolute path inside the container: ${what}` });
  }
  const exclude = read('exclude', parseGlobList);
  if (exclude !== undefined) target.exclude = exclude;
  const drill = read('drill', parseDrill);
  if (drill !== undefined && drill !== true) target.drill = drill;

  for (const [property, raw] of props) target.properties[property] = shown(property, raw.value, ctx.env);
  return errors.length > 0 ? { errors } : { target, errors };
}

/** A label value as errors and the API may show it: never a credential, nor one written into the wrong label. */
function shown(property: string, value: string, env: ReadonlyMap<string, string>): string {
  return isSecretProperty(property) || !isShowableReference(property, value, env) ? REDACTED : value;
}

/** At most one credential form; a second one is an error rather than a silent precedence rule. */
function readCredential(props: ReadonlyMap<string, RawLabel>, env: ReadonlyMap<string, string>, errors: LabelError[]): CredentialSource | undefined {
  const given = CREDENTIAL_PROPERTIES.filter((p) => props.has(p));
  if (given.length === 0) return undefined;
  if (given.length > 1) {
    for (const property of given.slice(1)) {
      const raw = props.get(property)!;
      errors.push({
        label: raw.label,
        value: shown(property, raw.value, env),
        message: `conflicts with ${given[0]}: a target takes one credential form`,
        expected: `one of ${CREDENTIAL_PROPERTIES.join(', ')}`,
      });
    }
    return undefined;
  }
  const property = given[0]!;
  const raw = props.get(property)!;
  const parsed = labelCredential(property, raw.value, env);
  if (parsed.ok) return parsed.value;
  errors.push({ label: raw.label, value: shown(property, raw.value, env), message: parsed.message, expected: parsed.expected });
  return undefined;
}

function checkSchedule(name: string, raw: RawLabel, ctx: TargetContext, errors: LabelError[]): void {
  if (Object.hasOwn(ctx.schedules, name)) return;
  if (raw.value === '' && errors.some((e) => e.label === raw.label)) return;
  const known = Object.keys(ctx.schedules).sort();
  const expected = `one of: ${known.join(', ') || '(no schedules defined)'}`;
  if (ctx.brokenSchedules.has(name)) {
    errors.push({ ...raw, message: `schedule "${name}" is invalid (see its backup.schedule.${name}.* errors)`, expected });
  } else if (name.includes(',')) {
    errors.push({ ...raw, message: 'a target takes one schedule; keep daily/weekly/monthly copies with keep_* on that schedule', expected });
  } else {
    errors.push({ ...raw, message: `unknown schedule "${name}"`, expected, ...suggest(raw, name, known) });
  }
}

/** A value typo is suggested as the whole corrected label, `key=value`. */
function suggest(raw: RawLabel, name: string, known: string[]): { suggestion?: string } {
  const fix = didYouMean(name, known);
  return fix === undefined ? {} : { suggestion: `${raw.label}=${fix}` };
}

/** `true`/`false` (drills on or off), or a cron expression: this target's drill schedule. */
function parseDrill(raw: string): Parsed<true | false | { cron: string }> {
  const bool = parseBoolean(raw);
  if (bool.ok) return bool.value ? { ok: true, value: true } : { ok: true, value: false };
  const problem = cronProblem(raw.trim());
  if (!problem) return { ok: true, value: { cron: raw.trim() } };
  return { ok: false, message: `not a boolean nor a cron expression: "${raw}" (${problem})`, expected: 'false to opt out of drills, true, or a 5-field cron expression such as "30 4 * * 0"' };
}
