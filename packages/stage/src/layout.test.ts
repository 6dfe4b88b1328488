import { describe, expect, it } from 'vitest';
import { compactTimestamp, parseCompactTimestamp } from './timestamp.js';
import { isDataFile, partialName, safeSegment, targetDirectory } from './layout.js';

describe('compact timestamps', () => {
  it('formats UTC without separators or milliseconds and parses back', () => {
    expect(compactTimestamp(new Date('2024-01-15T03:00:00.999Z'))).toBe('20240115T030000Z');
    expect(parseCompactTimestamp('20240115T030000Z')).toEqual(new Date('2024-01-15T03:00:00Z'));
  });
  it.each(['2024-01-15T03:00:00Z', '20241315T030000Z', '20240115T030000', 'x'])('rejects %s', (text) => {
    expect(parseCompactTimestamp(text)).toBeUndefined();
  });
});

describe('layout', () => {
  it('builds {root}/{container}/{type}-{instance}', () => {
    expect(targetDirectory('/staging', 'nextcloud', 'postgres', 'main')).toBe('/staging/nextcloud/postgres-main');
  });
  it.each([
    ['/nextcloud', 'nextcloud'],
    ['my_app.v2-1', 'my_app.v2-1'],
    ['../../etc', '_.._.._etc'],
    ['..', '_..'],
    ['', '_'],
    ['a/b', 'a_b'],
  ])('safeSegment(%j) = %j', (name, expected) => {
    expect(safeSegment(name)).toBe(expected);
  });
  it('tells data files from sidecars and temp files', () => {
    expect(isDataFile('20240115T030000Z.sql.gz')).toBe(true);
    expect(isDataFile('20240115T030000Z.tar')).toBe(true);
    expect(isDataFile('20240115T030000Z.sql.gz.sha256')).toBe(false);
    expect(isDataFile('20240115T030000Z.sql.gz.manifest.json')).toBe(false);
    expect(isDataFile(partialName('20240115T030000Z.sql.gz'))).toBe(false);
    expect(isDataFile('README')).toBe(false);
  });
});
