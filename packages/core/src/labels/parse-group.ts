// backup.stop and backup.group → whether the container is stopped for its cold targets, and which backup group it
// belongs to. A group label that cannot be honoured is an error naming the label, and the container falls back to
// being stopped on its own for its cold copies: never a hot copy of what was meant to be taken cold.
import type { GroupMembership, LabelError } from '../model.js';
import { COMPOSE_DEPENDS_ON_LABEL, COMPOSE_PROJECT_LABEL, COMPOSE_SERVICE_LABEL } from './keys.js';
import type { RawLabel } from './parse-schedules.js';
import { parseDependsOn, parseGroupName } from './values.js';

export interface GroupLabels {
  stop?: { label: RawLabel; value: boolean | 'stack' };
  /** `name` is absent when the label's value is not a valid name (already reported). */
  group?: { label: RawLabel; name?: string };
}

export interface ResolvedGroup {
  stop: boolean;
  group?: GroupMembership;
  errors: LabelError[];
}

const label = (labels: Readonly<Record<string, unknown>>, key: string): string | undefined => {
  const v = labels?.[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

export function resolveGroup(labels: Readonly<Record<string, unknown>>, parsed: GroupLabels, containerName: string): ResolvedGroup {
  const { stop, group } = parsed;
  if (!group && stop?.value !== 'stack') return { stop: stop?.value === true, errors: [] };
  // From here on the container was meant to be stopped with a group: at the very least it is stopped on its own.
  const fallback = (error?: LabelError): ResolvedGroup => ({ stop: true, errors: error ? [error] : [] });
  if (group && group.name === undefined) return fallback();
  if (group && stop && stop.value !== 'stack') {
    return fallback({
      ...stop.label,
      message: `backup.stop=${stop.label.value} contradicts backup.group=${group.label.value}: a group member is stopped and started with its group`,
      expected: 'stack, or no backup.stop label beside backup.group',
    });
  }
  let name = group?.name;
  let source: GroupMembership['source'] = 'label';
  if (name === undefined) {
    const project = label(labels, COMPOSE_PROJECT_LABEL);
    if (project === undefined) {
      return fallback({
        ...stop!.label,
        message: `backup.stop=stack stops the container with its compose project, but it has no ${COMPOSE_PROJECT_LABEL} label (it was not created by docker compose) and no backup.group`,
        expected: 'backup.group=<name> beside backup.stop=stack (the containers sharing that name form the group), or the container created by docker compose',
      });
    }
    const valid = parseGroupName(project);
    if (!valid.ok) {
      return fallback({ ...stop!.label, message: `backup.stop=stack: the compose project "${project}" cannot name a group (${valid.message})`, expected: `backup.group=<name> to name the group: ${valid.expected}` });
    }
    name = valid.value;
    source = 'compose';
  }
  const depends = parseDependsOn(label(labels, COMPOSE_DEPENDS_ON_LABEL) ?? '');
  if (!depends.ok) {
    return fallback({ label: COMPOSE_DEPENDS_ON_LABEL, value: label(labels, COMPOSE_DEPENDS_ON_LABEL) ?? '', message: `the group order cannot be read: ${depends.message}`, expected: depends.expected });
  }
  const service = label(labels, COMPOSE_SERVICE_LABEL) ?? containerName;
  return { stop: true, group: { name, source, service, dependsOn: depends.value.filter((d) => d !== service) }, errors: [] };
}
