// A tar stream without the paths `exclude` matches (the fs target's `exclude` globs).
import type { Readable } from 'node:stream';
import type { ExcludeMatcher } from './exclude.js';
import { relativeToRoot } from './exclude.js';
import { retar } from './retar.js';

export interface FilterStats {
  entries: number;
  excluded: number;
}

/** The archive without the entries `exclude` matches. Errors of the source or the tar parser destroy the result. */
export function filterTar(source: Readable, exclude: ExcludeMatcher, stats: FilterStats = { entries: 0, excluded: 0 }): Readable {
  return retar(source, (header) => {
    const rel = relativeToRoot(header.name);
    if (rel !== undefined && exclude(rel)) {
      stats.excluded++;
      return 'skip';
    }
    stats.entries++;
    return 'keep';
  });
}
