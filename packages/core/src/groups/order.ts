// The order a backup group is stopped and started in, from compose's depends_on: a service starts after what it
// depends on and stops before it (as `docker compose up`/`stop` do), so no member ever runs without its
// dependencies — an app is never left writing to a database that is already down, or started before it.
import { GroupOrderError } from '../errors/index.js';

export interface GroupMemberRef {
  /** The name depends_on uses (compose service, else container name). */
  service: string;
  dependsOn: readonly string[];
}

export interface GroupOrder {
  /** Dependencies first. */
  start: string[];
  /** The reverse: dependents first. */
  stop: string[];
  /** depends_on entries that name no member (a service outside the group, or not labelled): not waited for. */
  outside: Array<{ service: string; dependsOn: string }>;
}

/**
 * Orders a group's members topologically (Kahn's algorithm, ties by name so the order is the same on every run).
 * Throws GroupOrderError naming the services of a cycle, or a service claimed twice.
 */
export function groupOrder(group: string, members: readonly GroupMemberRef[]): GroupOrder {
  const byName = new Map<string, GroupMemberRef>();
  for (const m of members) {
    if (byName.has(m.service)) throw new GroupOrderError(`group ${group}: two members are service "${m.service}"; give each container its own service name`);
    byName.set(m.service, m);
  }
  const outside: GroupOrder['outside'] = [];
  const deps = new Map<string, Set<string>>();
  for (const m of members) {
    const inside = new Set<string>();
    for (const d of m.dependsOn) {
      if (d === m.service) continue;
      if (byName.has(d)) inside.add(d);
      else outside.push({ service: m.service, dependsOn: d });
    }
    deps.set(m.service, inside);
  }
  const start: string[] = [];
  const left = new Map([...deps].map(([s, d]) => [s, new Set(d)]));
  for (;;) {
    const ready = [...left].filter(([, d]) => d.size === 0).map(([s]) => s).sort(byCodeUnit);
    if (ready.length === 0) break;
    const next = ready[0]!;
    start.push(next);
    left.delete(next);
    for (const d of left.values()) d.delete(next);
  }
  if (left.size > 0) {
    const cycle = findCycle(left);
    throw new GroupOrderError(`group ${group}: the members' depends_on form a cycle (${cycle.join(' → ')}), so no start order exists; remove one of these dependencies`);
  }
  return { start, stop: [...start].reverse(), outside };
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** One cycle among the services left unordered (each still has a dependency left), as a closed path. */
function findCycle(left: Map<string, Set<string>>): string[] {
  let at = [...left.keys()].sort(byCodeUnit)[0]!;
  const path: string[] = [];
  const seen = new Map<string, number>();
  while (!seen.has(at)) {
    seen.set(at, path.length);
    path.push(at);
    at = [...left.get(at)!].filter((d) => left.has(d)).sort(byCodeUnit)[0]!;
  }
  return [...path.slice(seen.get(at)!), at];
}
