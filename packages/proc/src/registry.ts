// Every live process group we started, so the controller can kill them all on shutdown.
export interface LiveGroup {
  readonly pid: number;
  readonly command: string;
  /** Kills the group (SIGTERM, SIGKILL after the grace) and resolves once the leader has exited. */
  kill(graceMs?: number): Promise<void>;
}

const live = new Set<LiveGroup>();

export function track(group: LiveGroup): () => void {
  live.add(group);
  return () => live.delete(group);
}

/** The process groups started through this package that have not exited yet. */
export function liveGroups(): LiveGroup[] {
  return [...live];
}

/** Kills every live group (for shutdown); resolves with how many there were once all leaders have exited. */
export async function killAll(graceMs = 5000): Promise<number> {
  const groups = [...live];
  await Promise.all(groups.map((g) => g.kill(graceMs)));
  return groups.length;
}
