import { describe, expect, it } from 'vitest';
import { compareDatabases, compareFiles, compareKeyspace, compareTables } from './compare.js';

describe('drill comparisons', () => {
  it('databases: exact counts equal, estimates within 10 %, missing databases and tables named', () => {
    const expected = { app: { 'public.a': { rows: 3 }, 'public.big': { rows: 2_000_000, estimated: true as const } }, gone: {} };
    expect(compareDatabases(expected, { app: { 'public.a': { rows: 3 }, 'public.big': { rows: 2_150_000 } }, gone: {} }).problems).toEqual([]);
    const bad = compareDatabases(expected, { app: { 'public.a': { rows: 2 }, 'public.big': { rows: 2_500_000 } } });
    expect(bad.problems).toEqual([
      'table app.public.a has 2 rows, the manifest records 3',
      'table app.public.big has 2500000 rows, the manifest records about 2000000 (estimated)',
      'database gone is missing after the restore',
    ]);
    expect(compareDatabases({ app: { 'public.a': { rows: 1 } } }, { app: {} }).problems).toEqual(['table app.public.a is missing after the restore']);
  });

  it('redis: keys with a TTL may have expired, never more keys than recorded', () => {
    const expected = { db0: { keys: 10, expires: 2 } };
    expect(compareKeyspace(expected, { db0: { keys: 8, expires: 0 } }).problems).toEqual([]);
    expect(compareKeyspace(expected, { db0: { keys: 7, expires: 0 } }).problems).toHaveLength(1);
    expect(compareKeyspace(expected, { db0: { keys: 11, expires: 0 } }).problems).toHaveLength(1);
    expect(compareKeyspace(expected, {}).problems).toEqual(['redis db0 has 0 keys, the manifest records 10 (2 with a TTL)']);
    expect(compareKeyspace({}, { db3: { keys: 1, expires: 0 } }).problems).toHaveLength(1);
  });

  it('sqlite tables and fs files', () => {
    expect(compareTables({ items: 3 }, { items: 3, extra: 1 }).problems).toEqual([]);
    expect(compareTables({ items: 3 }, { items: 4 }).problems).toEqual(['table items has 4 rows, the manifest records 3']);
    expect(compareTables({ items: 3 }, {}).problems).toEqual(['table items is missing after the restore']);
    expect(compareFiles({ count: 2, bytes: 10 }, { count: 2, bytes: 10 }).problems).toEqual([]);
    expect(compareFiles({ count: 2, bytes: 10 }, { count: 1, bytes: 10 }).problems).toHaveLength(1);
  });
});
