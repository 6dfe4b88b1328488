import { describe, expect, it } from 'vitest';
import { displayRepository, forgetPolicyArgs, resticDuration, tagFilterArgs } from './restic-policy.js';

describe('restic policy flags', () => {
  it('maps every rule and always keeps the newest', () => {
    expect(forgetPolicyArgs({ keepDaily: 7, keepWeekly: 4, keepMonthly: 6 })).toEqual([
      '--keep-last', '1', '--keep-daily', '7', '--keep-weekly', '4', '--keep-monthly', '6',
    ]);
    expect(forgetPolicyArgs({ keepLast: 5, keepWithinSeconds: 14 * 86400 })).toEqual(['--keep-last', '5', '--keep-within', '336h']);
  });
  it('forgets nothing for an empty policy', () => {
    expect(forgetPolicyArgs({})).toBeNull();
    expect(forgetPolicyArgs({ keepLast: 0 })).toBeNull();
  });
  it('rounds durations up to hours', () => {
    expect(resticDuration(1)).toBe('1h');
    expect(resticDuration(3601)).toBe('2h');
  });
  it('filters on all tags at once', () => {
    expect(tagFilterArgs(['container:a', 'target:b'])).toEqual(['--tag', 'container:a,target:b']);
    expect(tagFilterArgs([])).toEqual([]);
  });
  it('hides URL passwords in repository strings', () => {
    expect(displayRepository('rest:https://bob:s3cret@host:8000/repo')).toBe('rest:https://bob:[redacted]@host:8000/repo');
    expect(displayRepository('rclone:gdrive:backups')).toBe('rclone:gdrive:backups');
    expect(displayRepository('/srv/restic')).toBe('/srv/restic');
  });
});
