import { describe, expect, it } from 'vitest';
import { resolveLevel } from './levels.js';
import { compressedExtension, compressionOf } from './extension.js';
import { InvalidCompressionLevelError } from './errors.js';

describe('resolveLevel', () => {
  it.each([
    ['gzip', undefined, 6],
    ['gzip', 1, 1],
    ['zstd', undefined, 3],
    ['zstd', 19, 19],
    ['none', 5, 0],
  ] as const)('%s level %s → %s', (kind, level, expected) => {
    expect(resolveLevel(kind, level)).toBe(expected);
  });

  it.each([
    ['gzip', 0],
    ['gzip', 10],
    ['zstd', 22],
    ['zstd', 2.5],
  ] as const)('rejects %s level %s', (kind, level) => {
    expect(() => resolveLevel(kind, level)).toThrow(InvalidCompressionLevelError);
  });
});

describe('extensions', () => {
  it.each([
    ['sql', 'gzip', 'sql.gz'],
    ['sql', 'zstd', 'sql.zst'],
    ['tar', 'none', 'tar'],
    ['rdb', 'zstd', 'rdb.zst'],
  ] as const)('%s + %s → %s, and back', (ext, kind, expected) => {
    expect(compressedExtension(ext, kind)).toBe(expected);
    expect(compressionOf(`20240115T030000Z.${expected}`)).toBe(kind);
  });
});
