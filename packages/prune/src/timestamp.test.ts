import { describe, expect, it } from 'vitest';
import { parseCompactTimestamp } from './timestamp.js';

describe('parseCompactTimestamp', () => {
  it('parses the layout timestamp as UTC', () => {
    expect(parseCompactTimestamp('20240115T030000Z.sql.gz')?.toISOString()).toBe('2024-01-15T03:00:00.000Z');
  });
  it.each(['2024-01-15', '20241315T030000Z', '20240230T030000Z', 'latest.sql'])('rejects %s', (s) => {
    expect(parseCompactTimestamp(s)).toBeNull();
  });
});
