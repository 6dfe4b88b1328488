// parseLabels: a container's labels + env → its backup config. Pure, total: every problem becomes a LabelError.
import { targetName } from '../target-ref.js';
import type { ContainerBackupConfig, LabelError, TargetConfig, TargetType } from '../model.js';
import { errorMessage } from '../errors/index.js';
import { classifyKey } from './classify-key.js';
import type { ContainerEnvInput } from './container-env.js';
import { containerEnv } from './container-env.js';
import type { ControllerDefaults } from './controller-defaults.js';
import { didYouMean } from './did-you-mean.js';
import type { ScheduleProperty } from './keys.js';
import { REDACTED } from '../redact/index.js';
import { LABEL_PREFIX, isSecretProperty } from './keys.js';
import { parseAlertUrls } from './values.js';
import type { ContainerNotify } from '../model.js';

const NO_ROUTE: ContainerNotify = { onFailure: [], onSuccess: [], global: true };
import type { RawLabel } from './parse-schedules.js';
import { parseSchedules } from './parse-schedules.js';
import { swarmTask } from './swarm.js';
import { parseTarget } from './parse-target.js';
import { resolveGroup, type GroupLabels } from './parse-group.js';
import { parseBoolean, parseGroupName, parseStop } from './values.js';

export interface ContainerRef {
  id: string;
  /** Docker's name; a leading "/" (as inspect returns it) is dropped. */
  name: string;
  image: string;
}

const ENABLED = 'backup.enabled';

/**
 * Derives a container's backup config from its labels. Never throws: a wrong label becomes a LabelError, the target
 * it belongs to is dropped, and the container's valid targets are still returned. Without `backup.enabled=true`
 * nothing else is validated; only typos of `backup.enabled` itself are reported.
 */
export function parseLabels(
  labels: Readonly<Record<string, string>>,
  env: ContainerEnvInput,
  defaults: ControllerDefaults,
  container: ContainerRef,
): ContainerBackupConfig {
  const base = baseConfig(container, labels);
  try {
    return parse(labels, env, defaults, base);
  } catch (err) {
    // A safety net, never the plan (the fuzz test asserts it is not reached): one odd container must not stop discovery.
    base.errors.push({ label: ENABLED, value: '', message: `internal error while parsing labels: ${errorMessage(err)}` });
    return base;
  }
}

function baseConfig(container: ContainerRef, labels: unknown): ContainerBackupConfig {
  const own = typeof container?.name === 'string' ? container.name.replace(/^\//, '') : '';
  // The one place a container's backup name is decided: a Swarm task's is its service's.
  const swarm = labels != null && typeof labels === 'object' ? swarmTask(labels as Readonly<Record<string, unknown>>, own) : undefined;
  return {
    containerId: typeof container?.id === 'string' ? container.id : '',
    containerName: swarm?.name ?? own,
    ...(swarm ? { swarm } : {}),
    image: typeof container?.image === 'string' ? container.image : '',
    enabled: false,
    stop: false,
    schedules: {},
    targets: [],
    errors: [],
  };
}

function backupLabels(labels: unknown): RawLabel[] {
  if (labels == null || typeof labels !== 'object') return [];
  return Object.entries(labels as Record<string, unknown>)
    .filter((e): e is [string, string] => e[0].startsWith(LABEL_PREFIX) && typeof e[1] === 'string')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([label, value]) => ({ label, value }));
}

function parse(labels: unknown, envInput: ContainerEnvInput, defaults: ControllerDefaults, out: ContainerBackupConfig): ContainerBackupConfig {
  const raw = backupLabels(labels);
  const enabledLabel = raw.find((l) => l.label === ENABLED);
  if (enabledLabel) {
    const parsed = parseBoolean(enabledLabel.value);
    if (parsed.ok) out.enabled = parsed.value;
    else out.errors.push({ ...enabledLabel, message: parsed.message, expected: parsed.expected });
  }
  if (!out.enabled) {
    out.errors.push(...enabledTypos(raw));
    return out;
  }

  const env = containerEnv(envInput);
  const scheduleGroups = new Map<string, Map<ScheduleProperty, RawLabel>>();
  const targetGroups = new Map<string, { type: TargetType; instance: string; props: Map<string, RawLabel> }>();
  // Owners of misspelled keys: `backup.postgres.main.usernme` means main is not what its author wants.
  const brokenSchedules = new Set<string>();
  const brokenTargets = new Set<string>();
  let invalidKeys = 0;
  const grouping: GroupLabels = {};
  for (const label of raw) {
    const key = classifyKey(label.label);
    if (key.kind === 'container') {
      if (key.key === 'stop') {
        const stop = parseStop(label.value);
        if (!stop.ok) out.errors.push({ ...label, message: stop.message, expected: stop.expected });
        else grouping.stop = { label, value: stop.value };
      } else if (key.key === 'group') {
        const name = parseGroupName(label.value);
        grouping.group = { label, ...(name.ok ? { name: name.value } : {}) };
        if (!name.ok) out.errors.push({ ...label, message: name.message, expected: name.expected });
      } else if (key.key === 'notify_global') {
        const flag = parseBoolean(label.value);
        if (!flag.ok) out.errors.push({ ...label, message: flag.message, expected: flag.expected });
        else out.notify = { ...(out.notify ?? NO_ROUTE), global: flag.value };
      } else if (key.key === 'notify_on_failure' || key.key === 'notify_on_success') {
        const urls = parseAlertUrls(label.value);
        if (!urls.ok) out.errors.push({ label: label.label, value: REDACTED, message: urls.message, expected: urls.expected });
        else out.notify = { ...(out.notify ?? NO_ROUTE), [key.key === 'notify_on_failure' ? 'onFailure' : 'onSuccess']: urls.value };
      }
    } else if (key.kind === 'schedule') {
      const group = scheduleGroups.get(key.name) ?? new Map<ScheduleProperty, RawLabel>();
      scheduleGroups.set(key.name, group.set(key.property, label));
    } else if (key.kind === 'target') {
      const id = `${key.type}.${key.instance}`;
      const group = targetGroups.get(id) ?? { type: key.type, instance: key.instance, props: new Map<string, RawLabel>() };
      targetGroups.set(id, group);
      group.props.set(key.property, label);
    } else {
      if (key.owner?.kind === 'schedule') brokenSchedules.add(key.owner.name);
      if (key.owner?.kind === 'target') brokenTargets.add(`${key.owner.type}.${key.owner.instance}`);
      invalidKeys++;
      // Any segment may be the credential (`backup.db.main.password.x`, `…password_env.x`): such a value is never echoed.
      const value = label.label.split('.').slice(1).some((seg) => isSecretProperty(seg) || /^password_(env|file)$/i.test(seg)) ? REDACTED : label.value;
      out.errors.push({ label: label.label, value, message: key.message, expected: key.expected, ...(key.suggestion ? { suggestion: key.suggestion } : {}) });
    }
  }

  const stopAndGroup = resolveGroup(labels as Readonly<Record<string, unknown>>, grouping, out.containerName);
  out.stop = stopAndGroup.stop;
  if (stopAndGroup.group) out.group = stopAndGroup.group;
  out.errors.push(...stopAndGroup.errors);

  const schedules = parseSchedules(scheduleGroups, defaults.schedules);
  for (const name of brokenSchedules) {
    schedules.broken.add(name);
    delete schedules.schedules[name];
  }
  out.schedules = schedules.schedules;
  out.errors.push(...schedules.errors);
  const ctx = { env, defaults, schedules: schedules.schedules, brokenSchedules: schedules.broken };
  const targets: TargetConfig[] = [];
  for (const [id, group] of targetGroups) {
    const parsed = parseTarget(group.type, group.instance, group.props, ctx);
    if (parsed.target && !brokenTargets.has(id)) targets.push(parsed.target);
    out.errors.push(...parsed.errors);
  }
  // Code-unit order, not localeCompare: the order feeds change detection and must not depend on the host's locale.
  const order = (t: TargetConfig): string => targetName(t);
  out.targets = targets.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  // A misspelled target key already explains why nothing is backed up; a group member without targets of its own
  // is still stopped and started with its group (an app writing to the group's database).
  if (targetGroups.size === 0 && invalidKeys === 0 && !out.group) {
    out.errors.push({
      label: ENABLED,
      value: enabledLabel?.value ?? '',
      message: 'backups are enabled but the container has no target labels, so nothing would be backed up',
      expected: 'at least one backup.<type>.<instance>.<property> label, e.g. backup.fs.data.path=/data',
    });
  }
  return out;
}

/** `backup.enabeld=true` must not leave a container silently unprotected. */
function enabledTypos(raw: RawLabel[]): LabelError[] {
  return raw
    .filter((l) => l.label !== ENABLED && l.label.split('.').length === 2 && didYouMean(l.label.slice(LABEL_PREFIX.length), ['enabled']))
    .map((l) => ({
      label: l.label,
      value: l.value,
      message: `unknown label "${l.label}"; backups stay disabled without ${ENABLED}`,
      expected: `${ENABLED}=true`,
      suggestion: ENABLED,
    }));
}
