// Signals a whole process group (pgid = the leader's pid, since we spawn detached = setsid), so a
// shell's children and a tool's helpers die with it, as the seed's `SIGKILL -pgid` does.
import { readdirSync, readFileSync } from 'node:fs';

/** Sends `signal` to every process of the group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/** True while any process (zombies included) is still in the group. */
export function groupAlive(pgid: number): boolean {
  return signalGroup(pgid, 0);
}

/** SIGTERM to the group, then SIGKILL after `graceMs` if anything is left; resolves once the group is empty or killed. */
export async function terminateGroup(pgid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, Math.min(25, graceMs)));
    if (!groupAlive(pgid) || onlyZombies(pgid)) return;
  }
  signalGroup(pgid, 'SIGKILL');
}

// An orphaned member that died waits as a zombie until init reaps it; some container inits never do.
// Zombies hold no resources we care about, so they do not count as alive for the grace wait.
function onlyZombies(pgid: number): boolean {
  const members = membersOf(pgid);
  return members.length > 0 && members.every((m) => m.state === 'Z');
}

/** Members of a process group read from /proc (Linux; empty elsewhere); used by tests and the grace wait. */
export function membersOf(pgid: number): Array<{ pid: number; state: string }> {
  const out: Array<{ pid: number; state: string }> = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    // Fields after the parenthesised command: state ppid pgrp ...
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(rest[2]) === pgid) out.push({ pid: Number(name), state: rest[0] ?? '?' });
  }
  return out;
}
