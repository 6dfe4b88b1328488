import { describe, expect, it } from 'vitest';
import { parseConfigGet, parseInfo, saveFinished, saveState } from './redis-info.js';

const INFO = '# Persistence\r\nloading:0\r\nrdb_changes_since_last_save:0\r\nrdb_bgsave_in_progress:0\r\nrdb_last_save_time:1700000000\r\nrdb_last_bgsave_status:ok\r\nrdb_saves:4\r\n';

describe('redis-cli output', () => {
  it('parses INFO into a map, skipping section headers', () => {
    const info = parseInfo(INFO);
    expect(info.get('rdb_saves')).toBe('4');
    expect(info.has('# Persistence')).toBe(false);
    expect(saveState(info)).toEqual({ inProgress: false, lastSaveTime: 1700000000, saves: 4, lastStatusOk: true });
  });

  it('reads CONFIG GET replies', () => {
    expect(parseConfigGet('dir\n/data\n', 'dir')).toBe('/data');
    expect(parseConfigGet('dbfilename\ndump.rdb\n', 'dbfilename')).toBe('dump.rdb');
    expect(parseConfigGet('', 'dir')).toBeUndefined();
    expect(parseConfigGet('ERR unknown command', 'dir')).toBeUndefined();
  });
});

describe('saveFinished', () => {
  const before = { inProgress: false, lastSaveTime: 100, saves: 4, lastStatusOk: true };
  it.each([
    ['still running', { inProgress: true, lastSaveTime: 100, saves: 5, lastStatusOk: true }, false],
    ['counter moved', { inProgress: false, lastSaveTime: 100, saves: 5, lastStatusOk: true }, true],
    ['nothing moved', { inProgress: false, lastSaveTime: 100, saves: 4, lastStatusOk: true }, false],
    ['failed', { inProgress: false, lastSaveTime: 100, saves: 4, lastStatusOk: false }, true],
  ])('%s', (_name, now, done) => {
    expect(saveFinished(before, now)).toBe(done);
  });

  it('falls back to the save time without rdb_saves (Redis < 7)', () => {
    const old = { inProgress: false, lastSaveTime: 100, lastStatusOk: true };
    expect(saveFinished(old, { ...old, lastSaveTime: 100 })).toBe(false);
    expect(saveFinished(old, { ...old, lastSaveTime: 101 })).toBe(true);
  });
});
