import { describe, expect, it } from 'vitest';
import { matchesTarget, targetKey, targetName } from './target-ref.js';

describe('target references', () => {
  const t = { type: 'postgres', instance: 'main' };
  it('formats type-instance and container/type-instance', () => {
    expect(targetName(t)).toBe('postgres-main');
    expect(targetKey('nextcloud-db', t)).toBe('nextcloud-db/postgres-main');
    expect(targetKey({ container: 'nextcloud-db', ...t })).toBe('nextcloud-db/postgres-main');
  });
  it.each([
    ['postgres-main', true],
    ['main', true],
    ['postgres', false],
    ['nextcloud-db/postgres-main', false],
  ])('matches the argument %s: %s', (arg, expected) => {
    expect(matchesTarget(t, arg)).toBe(expected);
  });
});
