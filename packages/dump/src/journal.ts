// The stop journal: containers baqup has stopped and not yet started again, on disk before every stop, so a
// crash or kill -9 mid-backup can be repaired at the next start (replayJournal). Written atomically
// (temp file, fsync, rename, fsync of the directory): a torn write must never lose an entry.
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { LockUnavailableError, withFileLock } from '@baqup/proc';
import { JournalError } from './errors.js';

export interface JournalEntry {
  containerId: string;
  containerName: string;
  /** ISO time of the stop. */
  stoppedAt: string;
  /** Why, for a human reading the file: "stopped by baqup". */
  reason: string;
  /** Stopped with its backup group: the replay starts a group's members in start order (`rank` 0 first). */
  group?: GroupPlace;
  /**
   * A Swarm task of a replicated service: not stopped but its service scaled to 0 (Swarm would replace a stopped
   * task); the replay scales it back to `replicas`, the count it had, and removes the stand-in the copy read from.
   */
  service?: ScaledService;
}

export interface ScaledService {
  id: string;
  name: string;
  /** The replica count before baqup scaled it to 0. */
  replicas: number;
  /** The created, never started container holding the task's volumes, read by the cold copy. */
  standIn?: string;
}

/** A member's place in its group's start order. */
export interface GroupPlace {
  name: string;
  rank: number;
}

interface JournalFile {
  version: 1;
  entries: JournalEntry[];
}

export class StopJournal {
  #queue: Promise<unknown> = Promise.resolve();
  constructor(readonly path: string) {}

  async read(): Promise<JournalEntry[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new JournalError(this.path, { cause: err });
    }
    try {
      const parsed = JSON.parse(text) as Partial<JournalFile>;
      return Array.isArray(parsed.entries) ? parsed.entries : [];
    } catch (err) {
      throw new JournalError(this.path, { cause: err });
    }
  }

  add(entry: JournalEntry): Promise<void> {
    return this.#update((list) => [...list.filter((e) => e.containerId !== entry.containerId), entry]);
  }

  remove(containerId: string): Promise<void> {
    return this.#update((list) => list.filter((e) => e.containerId !== containerId));
  }

  /**
   * Read-modify-write, one at a time within this process, and across processes under an flock on `<path>.lock`: the
   * controller and `baqup restore` (or a second controller that has not yet given up) never lose each other's entries.
   */
  #update(change: (list: JournalEntry[]) => JournalEntry[]): Promise<void> {
    const rmw = async () => this.#write(change(await this.read()));
    const next = this.#queue.then(async () => {
      await mkdir(dirname(this.path), { recursive: true }).catch(() => {});
      try {
        return await withFileLock(`${this.path}.lock`, rmw);
      } catch (err) {
        // No flock(1) on this machine (a developer's Mac): the in-process queue is all the safety there is.
        if (err instanceof LockUnavailableError && /not installed/.test(err.message)) return rmw();
        throw err instanceof JournalError ? err : new JournalError(this.path, { cause: err });
      }
    });
    this.#queue = next.catch(() => {});
    return next;
  }

  async #write(entries: JournalEntry[]): Promise<void> {
    const dir = dirname(this.path);
    const tmp = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(dir, { recursive: true });
      const body: JournalFile = { version: 1, entries };
      const fh = await open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(`${JSON.stringify(body, null, 2)}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await rename(tmp, this.path);
      const dh = await open(dir, 'r');
      try {
        await dh.sync();
      } finally {
        await dh.close();
      }
    } catch (err) {
      await rm(tmp, { force: true }).catch(() => {});
      throw new JournalError(this.path, { cause: err });
    }
  }
}
