// restic's tag filters, displayed repository strings and snapshot tags. Pure.

/** `--tag a,b` matches snapshots carrying all of them (repeated --tag would mean any). */
export function tagFilterArgs(tags: readonly string[]): string[] {
  return tags.length === 0 ? [] : ['--tag', tags.join(',')];
}

/** A repository string as it may be logged: URL passwords (`rest:https://u:p@h/`) removed. */
export function displayRepository(repository: string): string {
  return repository.replace(/(\/\/[^:/@\s]+):[^@/\s]*@/, '$1:[redacted]@');
}

export interface SnapshotGroup {
  container: string;
  /** `type-instance`. */
  target: string;
  schedule: string;
  trigger: 'schedule' | 'manual' | 'safety';
  /** The controller's stable host (config `host`), also given as `--host`. */
  host: string;
}

/**
 * The tags of a snapshot, which are also its retention group: forget runs with `--group-by tags` and these tags as
 * the filter (all must match). `trigger:` splits a target's scheduled snapshots from its manual runs and safety
 * copies, so a schedule's forget never selects them. The `host:` tag names the controller's stable host (config
 * `host`) beside restic's own `--host`; another host's snapshots never match.
 */
export function snapshotTags(g: SnapshotGroup): string[] {
  return [`container:${g.container}`, `target:${g.target}`, `schedule:${g.schedule}`, `trigger:${g.trigger}`, `host:${g.host}`];
}
