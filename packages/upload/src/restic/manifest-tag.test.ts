import { describe, expect, it } from 'vitest';
import type { BackupManifest } from '@baqup/core';
import { manifestFromTags, manifestTag } from './manifest-tag.js';

const manifest = (tables: number): BackupManifest => ({
  version: 1, container: 'db', containerId: 'abc', image: 'postgres:16', type: 'postgres', instance: 'main', schedule: 'daily',
  timestamp: '20240115T030000Z', file: '20240115T030000Z.sql.zst', compression: 'zstd', size: 10, sha256: 'f'.repeat(64), toolVersions: {},
  durations: { dumpMs: 1, totalMs: 2 },
  checks: { databases: { app: Object.fromEntries(Array.from({ length: tables }, (_, i) => [`public.t${i}-${Math.random().toString(36)}`, { rows: i }])) } },
});

describe('manifest tag', () => {
  it('round-trips through a tag without commas', () => {
    const m = manifest(50);
    const tag = manifestTag(m);
    expect(tag).not.toContain(',');
    expect(manifestFromTags(['container:db', tag])).toEqual(m);
  });

  it('drops row counts (with a note) when too large for one argument', () => {
    const tag = manifestTag(manifest(20_000));
    expect(tag.length).toBeLessThan(128 * 1024);
    const back = manifestFromTags([tag]);
    expect(back?.checks?.databases).toBeUndefined();
    expect(back?.checks?.notes?.[0]).toMatch(/too many tables/);
  });

  it('ignores a missing or damaged tag', () => {
    expect(manifestFromTags(['container:db'])).toBeUndefined();
    expect(manifestFromTags(['manifest:%%%'])).toBeUndefined();
  });
});
