// A filesystem backup is extracted into dirname(path) with its entries under basename(path)/. Every entry must
// land inside `path`, and so must every link it leaves behind. Names alone do not say where an entry lands: an
// archive can first create `conf/d/l -> ..` and then write `conf/d/l/x`, which lands in `conf/x`; a chain
// (`conf/d/l -> ..`, `conf/d/l/l2 -> ..`, then `conf/d/l/l2/etc/passwd`) climbs out of the target one link at a
// time. So each entry is resolved against the symlinks the archive itself created before it (as the extraction
// will follow them), and refused when it, or its link's target, resolves outside the path. Refused outright:
// absolute symlinks, hardlinks, device nodes, FIFOs and any other special type. Checked twice: a scan of the whole
// archive before anything is touched, and entry by entry while it streams into the container.
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { retar } from '@baqup/dump';
import { UnsafeArchiveError } from './errors.js';

export interface EntryHeader {
  name: string;
  type?: string | null;
  linkname?: string | null;
}

/** Symlinks followed while resolving one path before it counts as a loop (Linux's limit is 40). */
const MAX_LINKS = 40;

const within = (root: string, p: string) => root === '/' || p === root || p.startsWith(`${root}/`);

/** Checks entries one after another, remembering the symlinks earlier entries created. */
export class ArchiveGuard {
  readonly #root: string;
  readonly #parent: string;
  /** Absolute real path (inside the container) of each symlink the archive made → the directory it sits in and its target. */
  readonly #links = new Map<string, { dir: string; target: string }>();

  constructor(targetPath: string) {
    this.#root = posix.normalize(targetPath).replace(/\/+$/, '') || '/';
    this.#parent = posix.dirname(this.#root);
  }

  get root(): string {
    return this.#root;
  }

  /**
   * Where `rel` (from the directory `from`) really is, walked one component at a time as the kernel does: each
   * archive symlink on the way is followed (the last component only when `follow`), and `..` goes up from where
   * the walk really is, not from the name (`l/..` is not `.` when `l` is a link). Undefined on a loop.
   */
  #walk(from: string, rel: string, follow: boolean, budget = { left: MAX_LINKS }): string | undefined {
    const parts = rel.split('/').filter((p) => p !== '' && p !== '.');
    let cur = rel.startsWith('/') ? '/' : from;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (part === '..') {
        cur = posix.dirname(cur);
        continue;
      }
      const next = posix.join(cur, part);
      const link = this.#links.get(next);
      if (link && (follow || i < parts.length - 1)) {
        if (--budget.left < 0) return undefined;
        const real = this.#walk(link.dir, link.target, true, budget);
        if (real === undefined) return undefined;
        cur = real;
      } else {
        cur = next;
      }
    }
    return cur;
  }

  /** Why this entry is unsafe, or undefined (then it is recorded: later entries resolve through its link). */
  check(header: EntryHeader): string | undefined {
    const root = this.#root;
    const name = header.name;
    const type = header.type ?? 'file';
    if (name.startsWith('/')) return 'is an absolute path';
    if (name.split('/').includes('..')) return 'climbs out with ".."';
    const named = posix.join(this.#parent, name).replace(/\/+$/, '') || '/';
    if (!within(root, named)) return `is outside ${root}`;
    if (type === 'link') return `is a hardlink (to "${header.linkname ?? ''}"); hardlinks are not restored`;
    if (type === 'character-device' || type === 'block-device') return 'is a device node';
    if (type === 'fifo') return 'is a FIFO';
    if (type !== 'file' && type !== 'directory' && type !== 'symlink') return `is a ${type} entry; only files, directories and symlinks are restored`;
    const real = this.#walk('/', named, false);
    if (real === undefined) return 'resolves through a loop of symlinks in the archive';
    if (!within(root, real)) return `lands outside ${root} through a symlink in the archive (at ${real})`;
    if (real === root && type !== 'directory') return `would replace ${root} itself with a ${type}`;
    if (type === 'symlink') {
      const link = header.linkname ?? '';
      if (link === '') return 'is a symlink without a target';
      if (link.startsWith('/')) return `is an absolute symlink (→ ${link}); only relative links inside ${root} are restored`;
      const dir = posix.dirname(real);
      // Every step of the way must stay inside: `x/../..` is out even if it comes back in later.
      const parts = link.split('/').filter((p) => p !== '' && p !== '.');
      for (let i = 1; i <= parts.length; i++) {
        const step = this.#walk(dir, parts.slice(0, i).join('/'), true);
        if (step === undefined) return 'is a symlink through a loop of symlinks in the archive';
        if (!within(root, step)) return `is a symlink pointing outside ${root} (→ ${link})`;
      }
      this.#links.set(real, { dir, target: link });
    } else {
      // A file or directory replaces a link made earlier at that place.
      this.#links.delete(real);
    }
    return undefined;
  }
}

/** Why this single entry (judged alone, with no earlier entries) would escape `targetPath`, or undefined. */
export function entryProblem(header: EntryHeader, targetPath: string): string | undefined {
  return new ArchiveGuard(targetPath).check(header);
}

/**
 * Reads a whole tar stream, checking every entry; resolves to the count, throws UnsafeArchiveError on the first bad
 * one. Without `targetPath` (verify, which does not know the label) the first entry's top directory is the root.
 */
export async function scanTar(source: Readable, targetPath?: string): Promise<{ entries: number }> {
  const extract = tar.extract();
  source.on('error', (err) => extract.destroy(err));
  source.pipe(extract);
  let entries = 0;
  let guard: ArchiveGuard | undefined = targetPath ? new ArchiveGuard(targetPath) : undefined;
  try {
    for await (const entry of extract) {
      guard ??= new ArchiveGuard(`/${entry.header.name.replace(/^\/+/, '').split('/')[0] ?? ''}`);
      const why = guard.check(entry.header);
      if (why) {
        entry.resume();
        throw new UnsafeArchiveError(entry.header.name, why);
      }
      entries++;
      entry.resume();
    }
  } finally {
    source.unpipe(extract);
    source.destroy();
  }
  return { entries };
}

/** The same tar, re-packed entry by entry; an unsafe entry destroys the output before its header is written. */
export function guardTar(source: Readable, targetPath: string): Readable {
  const guard = new ArchiveGuard(targetPath);
  return retar(source, (header) => {
    const why = guard.check(header);
    return why ? new UnsafeArchiveError(header.name, why) : 'keep';
  });
}
