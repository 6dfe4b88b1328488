import { describe, expect, it } from 'vitest';
import { normalizeAt, pickAt, splitTargetKey } from './select.js';

describe('select', () => {
  it('splits target keys on a known type', () => {
    expect(splitTargetKey('postgres-main')).toEqual({ type: 'postgres', instance: 'main' });
    expect(splitTargetKey('fs-my-config')).toEqual({ type: 'fs', instance: 'my-config' });
    expect(splitTargetKey('main')).toBeUndefined();
    expect(splitTargetKey('postgres-')).toBeUndefined();
  });

  it('normalizes --at', () => {
    expect(normalizeAt('20240115T030000Z')).toBe('20240115T030000Z');
    expect(normalizeAt('2024-01-15T03:00:00Z')).toBe('20240115T030000Z');
    expect(normalizeAt('latest')).toBeUndefined();
    expect(normalizeAt('a1b2c3d4')).toBeUndefined();
  });

  it('picks latest, an exact timestamp, or a snapshot id', () => {
    const list = [{ timestamp: '20240101T000000Z' }, { timestamp: '20240102T000000Z', snapshotId: 'abcdef0123' }];
    expect(pickAt(list, undefined)?.timestamp).toBe('20240102T000000Z');
    expect(pickAt(list, 'latest')?.timestamp).toBe('20240102T000000Z');
    expect(pickAt(list, '20240101T000000Z')?.timestamp).toBe('20240101T000000Z');
    expect(pickAt(list, '20240103T000000Z')).toBeUndefined();
    expect(pickAt(list, 'abcdef')?.timestamp).toBe('20240102T000000Z');
    expect(pickAt([], 'latest')).toBeUndefined();
  });
});
