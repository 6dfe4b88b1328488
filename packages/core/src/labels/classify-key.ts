// Sorts one `backup.*` key into what it configures, or explains what is wrong with it (with a did-you-mean).
import type { TargetType } from '../model.js';
import { TARGET_TYPES } from '../model.js';
import { didYouMean } from './did-you-mean.js';
import type { ScheduleProperty } from './keys.js';
import {
  CONTAINER_KEYS,
  LABEL_PREFIX,
  NAME_PATTERN,
  SCHEDULE_PROPERTIES,
  SCHEDULE_SEGMENT,
  SECOND_SEGMENTS,
  TARGET_PROPERTIES,
  isTargetType,
} from './keys.js';

export type KeyProblem = {
  message: string;
  expected: string;
  suggestion?: string;
  /** The schedule or target the key belongs to, when that much is clear: it is dropped rather than run on guesses. */
  owner?: { kind: 'schedule'; name: string } | { kind: 'target'; type: TargetType; instance: string };
};

export type ClassifiedKey =
  | { kind: 'container'; key: (typeof CONTAINER_KEYS)[number] }
  | { kind: 'schedule'; name: string; property: ScheduleProperty }
  | { kind: 'target'; type: TargetType; instance: string; property: string }
  | ({ kind: 'invalid' } & KeyProblem);

const TARGET_PATTERN = 'backup.<type>.<instance>.<property>';
const SCHEDULE_PATTERN = 'backup.schedule.<name>.<property>';
const NAME_EXPECTED = 'letters, digits, "_" and "-", starting with a letter or digit (max 63)';
const invalid = (message: string, expected: string, suggestion?: string, owner?: KeyProblem['owner']): ClassifiedKey => ({
  kind: 'invalid',
  message,
  expected,
  ...(suggestion === undefined ? {} : { suggestion }),
  ...(owner === undefined ? {} : { owner }),
});
const oneOf = (values: readonly string[]): string => `one of: ${values.join(', ')}`;

function isContainerKey(value: string): value is (typeof CONTAINER_KEYS)[number] {
  return (CONTAINER_KEYS as readonly string[]).includes(value);
}

function isScheduleProperty(value: string): value is ScheduleProperty {
  return (SCHEDULE_PROPERTIES as readonly string[]).includes(value);
}

/** Classifies a key that starts with `backup.`. */
export function classifyKey(key: string): ClassifiedKey {
  const parts = key.slice(LABEL_PREFIX.length).split('.');
  const [first = '', second, third] = parts;
  if (parts.some((p) => p.length === 0)) {
    return invalid('malformed label key (empty segment)', `backup.enabled, backup.stop, ${SCHEDULE_PATTERN} or ${TARGET_PATTERN}`);
  }
  if (parts.length === 1) {
    if (isContainerKey(first)) return { kind: 'container', key: first };
    if (first === SCHEDULE_SEGMENT) return invalid('incomplete schedule label', SCHEDULE_PATTERN);
    if (isTargetType(first)) return invalid('incomplete target label', `backup.${first}.<instance>.<property>`);
    const fix = didYouMean(first, CONTAINER_KEYS);
    return invalid(`unknown label "${key}"`, 'backup.enabled or backup.stop', fix && `backup.${fix}`);
  }
  if (isContainerKey(first)) return invalid(`"backup.${first}" takes no sub-keys`, `backup.${first}`, `backup.${first}`);
  if (first === SCHEDULE_SEGMENT) return classifySchedule(parts.slice(1));
  if (isTargetType(first)) return classifyTarget(first, parts.slice(1));

  // Unknown second segment: suggest the type (and fix the property too when it is also misspelled).
  const fix = didYouMean(first, SECOND_SEGMENTS.filter((s) => !isContainerKey(s)));
  let suggestion: string | undefined;
  if (fix !== undefined && parts.length === 3 && second !== undefined && third !== undefined) {
    if (fix === SCHEDULE_SEGMENT) suggestion = `backup.schedule.${second}.${isScheduleProperty(third) ? third : didYouMean(third, SCHEDULE_PROPERTIES) ?? third}`;
    else if (isTargetType(fix)) {
      const props = TARGET_PROPERTIES[fix];
      suggestion = `backup.${fix}.${second}.${props.includes(third) ? third : didYouMean(third, props) ?? third}`;
    }
  } else if (fix !== undefined) {
    suggestion = ['backup', fix, ...parts.slice(1)].join('.');
  }
  return invalid(`unknown target type "${first}"`, oneOf([...TARGET_TYPES, SCHEDULE_SEGMENT]), suggestion);
}

function classifySchedule(rest: string[]): ClassifiedKey {
  const [name = '', property] = rest;
  if (rest.length === 1) {
    if (isScheduleProperty(name)) return invalid('schedule name missing', SCHEDULE_PATTERN, `backup.schedule.daily.${name}`);
    return invalid('schedule property missing', `backup.schedule.${name}.<${SCHEDULE_PROPERTIES.join('|')}>`);
  }
  if (rest.length > 2) return invalid('too many segments (schedule names cannot contain dots)', SCHEDULE_PATTERN);
  if (!NAME_PATTERN.test(name)) return invalid(`invalid schedule name "${name}"`, NAME_EXPECTED);
  if (property !== undefined && isScheduleProperty(property)) return { kind: 'schedule', name, property };
  const fix = property === undefined ? undefined : didYouMean(property, SCHEDULE_PROPERTIES);
  return invalid(`unknown schedule property "${property ?? ''}"`, oneOf(SCHEDULE_PROPERTIES), fix && `backup.schedule.${name}.${fix}`, { kind: 'schedule', name });
}

function classifyTarget(type: TargetType, rest: string[]): ClassifiedKey {
  const props = TARGET_PROPERTIES[type];
  const [instance = '', property] = rest;
  if (rest.length === 1) {
    if (props.includes(instance)) return invalid('instance name missing', `backup.${type}.<instance>.${instance}`, `backup.${type}.main.${instance}`);
    return invalid('target property missing', `backup.${type}.${instance}.<property>`);
  }
  if (rest.length > 2) return invalid('too many segments (instance names cannot contain dots)', `backup.${type}.<instance>.<property>`);
  if (!NAME_PATTERN.test(instance)) return invalid(`invalid instance name "${instance}"`, NAME_EXPECTED);
  if (property !== undefined && props.includes(property)) return { kind: 'target', type, instance, property };
  const fix = property === undefined ? undefined : didYouMean(property, props);
  const elsewhere = property !== undefined && Object.values(TARGET_PROPERTIES).some((p) => p.includes(property));
  const message = elsewhere ? `"${property}" is not a property of ${type} targets` : `unknown property "${property ?? ''}"`;
  return invalid(message, oneOf(props), fix && `backup.${type}.${instance}.${fix}`, { kind: 'target', type, instance });
}
