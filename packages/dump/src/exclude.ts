// `exclude` globs of an fs target (picomatch), relative to the target's path. Gitignore-like on purpose, since
// that is what people expect of `cache/*,*.log`: a pattern without a slash matches a name at any depth, and an
// excluded directory takes everything below it.
import picomatch from 'picomatch';

export type ExcludeMatcher = (relativePath: string) => boolean;

/** A matcher for paths relative to the target's path (`cache/a.bin`); no patterns → nothing is excluded. */
export function excludeMatcher(patterns: readonly string[] = []): ExcludeMatcher {
  const clean = patterns.map((p) => p.trim().replace(/^\.\//, '').replace(/\/+$/, '')).filter(Boolean);
  if (clean.length === 0) return () => false;
  // picomatch's `basename` option also applies to patterns with a slash (matching them against the last segment
  // only), so the two kinds get separate matchers.
  const byName = clean.filter((p) => !p.includes('/'));
  const byPath = clean.filter((p) => p.includes('/'));
  const nameMatch = byName.length ? picomatch(byName, { dot: true, basename: true }) : () => false;
  const pathMatch = byPath.length ? picomatch(byPath, { dot: true }) : () => false;
  const isMatch = (p: string) => nameMatch(p) || pathMatch(p);
  return (relativePath) => {
    const parts = relativePath.replace(/\/+$/, '').split('/').filter(Boolean);
    // The path itself or any of its parent directories.
    for (let i = 1; i <= parts.length; i++) if (isMatch(parts.slice(0, i).join('/'))) return true;
    return false;
  };
}

/** The path of a tar entry relative to the archived directory (the archive API roots entries at its basename). */
export function relativeToRoot(entryName: string): string | undefined {
  const clean = entryName.replace(/^\.\//, '').replace(/\/+$/, '');
  const slash = clean.indexOf('/');
  return slash < 0 ? undefined : clean.slice(slash + 1);
}
