// A filesystem backup is extracted into dirname(path) with its entries under basename(path)/. Every entry must
// land inside `path`: no absolute names, no `..`, no symlink or hardlink pointing outside, no device nodes.
// Checked twice: a scan of the whole archive before anything is touched, and entry by entry while it streams.
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

const within = (root: string, p: string) => p === root || p.startsWith(`${root}/`);

/** Why this entry would escape `targetPath` (absolute path inside the container), or undefined when it is safe. */
export function entryProblem(header: EntryHeader, targetPath: string): string | undefined {
  const root = posix.normalize(targetPath).replace(/\/+$/, '') || '/';
  const parent = posix.dirname(root);
  const name = header.name;
  if (name.startsWith('/')) return 'is an absolute path';
  if (name.split('/').includes('..')) return 'climbs out with ".."';
  const abs = posix.join(parent, name).replace(/\/+$/, '');
  if (!within(root, abs)) return `is outside ${root}`;
  const type = header.type ?? 'file';
  if (type === 'character-device' || type === 'block-device') return 'is a device node';
  const link = header.linkname ?? '';
  if (type === 'symlink') {
    const resolved = link.startsWith('/') ? posix.normalize(link) : posix.resolve(posix.dirname(abs), link);
    if (!within(root, resolved)) return `is a symlink pointing outside ${root} (→ ${link})`;
  }
  if (type === 'link') {
    if (link.startsWith('/') || link.split('/').includes('..')) return `is a hardlink to "${link}", outside ${root}`;
    if (!within(root, posix.join(parent, link))) return `is a hardlink to "${link}", outside ${root}`;
  }
  return undefined;
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
  try {
    for await (const entry of extract) {
      const root = targetPath ?? `/${entry.header.name.replace(/^\/+/, '').split('/')[0] ?? ''}`;
      targetPath = root;
      const why = entryProblem(entry.header, root);
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
  return retar(source, (header) => {
    const why = entryProblem(header, targetPath);
    return why ? new UnsafeArchiveError(header.name, why) : 'keep';
  });
}
