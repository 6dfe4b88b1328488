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

