import { describe, expect, it } from 'vitest';
import { displayRepository, tagFilterArgs } from './restic-policy.js';

describe('restic tag filters and display', () => {
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
