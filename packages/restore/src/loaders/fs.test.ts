import type * as tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { FS_STAGING, stagedName, swapHeader } from './fs.js';

describe('fs restore layout', () => {
  const l = { root: '/config', parent: '/', temp: FS_STAGING };
  const deep = { root: '/srv/app/data', parent: '/srv/app', temp: FS_STAGING };

  it('stages every entry under the hidden directory inside the target (extracted into the target itself)', () => {
    expect(stagedName(l, 'config/')).toBe('.baqup-restore');
    expect(stagedName(l, 'config')).toBe('.baqup-restore');
    expect(stagedName(l, 'config/a/b.txt')).toBe('.baqup-restore/a/b.txt');
    expect(stagedName(l, './config/a.txt')).toBe('.baqup-restore/a.txt');
    expect(stagedName(deep, 'data/x')).toBe('.baqup-restore/x');
  });

  it('links each file to its staged copy, the link name relative to the parent as Docker resolves it, owner and mode kept', () => {
    expect(swapHeader(l, { name: 'config/a/b.txt', type: 'file', size: 9, mode: 0o600, uid: 1000, gid: 1000 } as tar.Header)).toEqual({
      name: 'config/a/b.txt',
      type: 'link',
      linkname: 'config/.baqup-restore/a/b.txt',
      size: 0,
      mode: 0o600,
      uid: 1000,
      gid: 1000,
    });
    expect(swapHeader(deep, { name: 'data/x', type: 'file', size: 1 } as tar.Header).linkname).toBe('data/.baqup-restore/x');
  });
});
