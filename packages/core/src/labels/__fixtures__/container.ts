// Fixture builders for label tests: `parse(container(enabled, withLabels({...}), withEnv([...])))`.
import { builtinDefaults } from '../../config/controller-defaults.js';
import type { ContainerBackupConfig, TargetConfig } from '../../model.js';
import type { ContainerEnvInput } from '../container-env.js';
import type { ControllerDefaults } from '../controller-defaults.js';
import type { ContainerRef } from '../parse-labels.js';
import { parseLabels } from '../parse-labels.js';
import { targetName } from '../../target-ref.js';

export interface ContainerFixture {
  ref: ContainerRef;
  labels: Record<string, string>;
  env: ContainerEnvInput;
  defaults: ControllerDefaults;
}

type Modifier = (f: ContainerFixture) => void;

export function container(...modifiers: Modifier[]): ContainerFixture {
  const f: ContainerFixture = { ref: { id: 'c0ffee', name: '/app', image: 'example/app:1' }, labels: {}, env: {}, defaults: builtinDefaults() };
  for (const modify of modifiers) modify(f);
  return f;
}

export const withLabels =
  (labels: Record<string, string>): Modifier =>
  (f) => {
    Object.assign(f.labels, labels);
  };

export const withEnv =
  (env: ContainerEnvInput): Modifier =>
  (f) => {
    f.env = env;
  };

export const withDefaults =
  (change: (d: ControllerDefaults) => void): Modifier =>
  (f) => {
    change(f.defaults);
  };

export const named =
  (name: string, image = 'example/app:1'): Modifier =>
  (f) => {
    f.ref = { id: f.ref.id, name, image };
  };

export const enabled: Modifier = withLabels({ 'backup.enabled': 'true' });

export function parse(f: ContainerFixture): ContainerBackupConfig {
  return parseLabels(f.labels, f.env, f.defaults, f.ref);
}

/** The one target of `type-instance`, or a failing lookup that names what exists. */
export function targetOf(config: ContainerBackupConfig, id: string): TargetConfig {
  const target = config.targets.find((t) => targetName(t) === id);
  if (!target) throw new Error(`no target ${id}; have: ${config.targets.map((t) => targetName(t)).join(', ') || 'none'}`);
  return target;
}
