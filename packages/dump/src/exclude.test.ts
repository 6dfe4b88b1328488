import { describe, expect, it } from 'vitest';
import { excludeMatcher, relativeToRoot } from './exclude.js';

describe('excludeMatcher', () => {
  const m = excludeMatcher(['cache/*', '*.log', './tmp/']);
  it.each([
    ['cache/x.bin', true],
    ['cache/deep', true],
    ['cache/deep/y.bin', true],
    ['cache', false],
    ['top.log', true],
    ['logs/app.log', true],
    ['logs/keep.txt', false],
    ['tmp', true],
    ['tmp/a', true],
    ['sub/cache/x', false],
    ['a.txt', false],
    ['.hidden.log', true],
  ])('%s → %s', (path, excluded) => {
    expect(m(path)).toBe(excluded);
  });

  it('excludes nothing without patterns', () => {
    expect(excludeMatcher([])('anything')).toBe(false);
    expect(excludeMatcher(['  ', ''])('anything')).toBe(false);
  });
});

describe('relativeToRoot', () => {
  it('strips the archive root (basename of the path)', () => {
    expect(relativeToRoot('config/')).toBeUndefined();
    expect(relativeToRoot('config')).toBeUndefined();
    expect(relativeToRoot('config/a/b.txt')).toBe('a/b.txt');
    expect(relativeToRoot('config/dir/')).toBe('dir');
  });
});
