// One way to name a target. `type-instance` is the target's name within its container: the `target` log field
// (docs/logging.md), the staging directory, the `--target` argument. `container/type-instance` is its key across
// the host: state, locks, API job and alert payloads.

/** What names a target within a container; a TargetConfig or a manifest both are one. */
export interface TargetName {
  readonly type: string;
  readonly instance: string;
}

/** A target with its container: what `targetKey` formats. */
export interface TargetRef extends TargetName {
  readonly container: string;
}

/** `type-instance`, e.g. `postgres-main`: the `target` log field and the staging directory name. */
export function targetName(target: TargetName): string {
  return `${target.type}-${target.instance}`;
}

/** The type and instance of a `type-instance` name (the type never holds a dash); undefined when it has none. */
export function parseTargetName(name: string): TargetName | undefined {
  const dash = name.indexOf('-');
  return dash > 0 && dash < name.length - 1 ? { type: name.slice(0, dash), instance: name.slice(dash + 1) } : undefined;
}

/** `container/type-instance`, e.g. `nextcloud-db/postgres-main`: the key of a target across the host. */
export function targetKey(container: string, target: TargetName): string;
export function targetKey(ref: TargetRef): string;
export function targetKey(a: string | TargetRef, b?: TargetName): string {
  return typeof a === 'string' ? `${a}/${targetName(b!)}` : `${a.container}/${targetName(a)}`;
}

/** True when `arg` (a `--target` or API `target` value) names `target`: `type-instance`, or the instance alone. */
export function matchesTarget(target: TargetName, arg: string): boolean {
  return arg === targetName(target) || arg === target.instance;
}
