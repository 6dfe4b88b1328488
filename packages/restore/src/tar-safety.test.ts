import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { ArchiveGuard, entryProblem, guardTar, scanTar } from './tar-safety.js';

describe('entryProblem (one entry alone)', () => {
  const ok: [string, string, string?][] = [
    ['config/', 'directory'],
    ['config/a.txt', 'file'],
    ['config/sub/b', 'file'],
    ['config/link', 'symlink', 'a.txt'],
    ['config/sub/up', 'symlink', '../a.txt'],
    ['config/sub/dot', 'symlink', './x/../y'],
  ];
  it.each(ok)('%s (%s → %s) is inside /config', (name, type, linkname) => {
    expect(entryProblem({ name, type, linkname: linkname ?? null }, '/config')).toBeUndefined();
  });

  const bad: [string, string, string | undefined, RegExp][] = [
    ['/etc/passwd', 'file', undefined, /absolute/],
    ['config/../etc/passwd', 'file', undefined, /\.\./],
    ['other/x', 'file', undefined, /outside \/config/],
    ['config/evil', 'symlink', '/etc/shadow', /absolute symlink/],
    ['config/abs', 'symlink', '/config/a.txt', /absolute symlink/],
    ['config/evil', 'symlink', '../../etc', /symlink pointing outside/],
    ['config/evil', 'symlink', '../configx', /symlink pointing outside/],
    ['config/evil', 'symlink', '../../config/a', /symlink pointing outside/],
    ['config/h', 'link', 'config/a.txt', /hardlink/],
    ['config/h', 'link', 'etc/passwd', /hardlink/],
    ['config/dev', 'character-device', undefined, /device/],
    ['config/blk', 'block-device', undefined, /device/],
    ['config/pipe', 'fifo', undefined, /FIFO/],
    ['config/weird', 'contiguous-file', undefined, /only files, directories and symlinks/],
    ['config', 'symlink', 'elsewhere', /replace \/config itself/],
  ];
  it.each(bad)('%s (%s → %s) is refused', (name, type, linkname, why) => {
    expect(entryProblem({ name, type, linkname: linkname ?? null }, '/config')).toMatch(why);
  });

  it('works for a nested target path', () => {
    expect(entryProblem({ name: 'data/x', type: 'file' }, '/srv/app/data')).toBeUndefined();
    expect(entryProblem({ name: 'data/l', type: 'symlink', linkname: '../other' }, '/srv/app/data')).toMatch(/outside/);
  });
});

describe('ArchiveGuard (entries resolved against the links the archive made)', () => {
  const run = (entries: [string, string, string?][], root = '/srv/conf') => {
    const g = new ArchiveGuard(root);
    return entries.map(([name, type, linkname]) => g.check({ name, type, linkname: linkname ?? null }));
  };

  it('refuses the chain d/l -> .., d/l/l2 -> .., d/l/l2/etc/x', () => {
    const r = run([
      ['conf/', 'directory'],
      ['conf/d/', 'directory'],
      ['conf/d/l', 'symlink', '..'],
      ['conf/d/l/l2', 'symlink', '..'],
      ['conf/d/l/l2/etc/passwd', 'file'],
    ]);
    expect(r.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    // conf/d/l/l2 really is conf/l2, and `..` from there is /srv: outside.
    expect(r[3]).toMatch(/symlink pointing outside \/srv\/conf/);
  });

  it('a file written through an inside link lands where the link points (and is judged there)', () => {
    const r = run([
      ['conf/sub/', 'directory'],
      ['conf/up', 'symlink', 'sub'],
      ['conf/up/x', 'file'],
    ]);
    expect(r).toEqual([undefined, undefined, undefined]);
  });

  it('`l/..` goes up from where l points, not from its name', () => {
    const r = run([
      ['conf/d', 'symlink', '.'],
      ['conf/e', 'symlink', 'd/..'],
    ]);
    expect(r[0]).toBeUndefined();
    expect(r[1]).toMatch(/symlink pointing outside/);
  });

  it('a link through a link that points out is refused even when the name looks inside', () => {
    const r = run([
      ['conf/a/', 'directory'],
      ['conf/a/b', 'symlink', '..'],
      ['conf/c', 'symlink', 'a/b/../x'],
      ['conf/a/b/../../x', 'file'],
    ]);
    expect(r[0]).toBeUndefined();
    expect(r[1]).toBeUndefined();
    expect(r[2]).toMatch(/outside/);
    expect(r[3]).toMatch(/\.\./);
  });

  it('a loop of links is refused, not followed forever', () => {
    const r = run([
      ['conf/a', 'symlink', 'b'],
      ['conf/b', 'symlink', 'a'],
      ['conf/a/x', 'file'],
    ]);
    // Each link alone points inside; the loop shows when an entry is resolved through them.
    expect(r[0]).toBeUndefined();
    expect(r[1]).toBeUndefined();
    expect(r[2]).toMatch(/loop of symlinks/);
  });

  it('a file replacing a link ends it: later entries under that name are plain paths', () => {
    const r = run([
      ['conf/sub/', 'directory'],
      ['conf/l', 'symlink', 'sub'],
      ['conf/l', 'directory'],
      ['conf/l/x', 'file'],
    ]);
    expect(r).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('a symlink to the parent dir of the target is refused at once', () => {
    expect(run([['conf/l', 'symlink', '..']])[0]).toMatch(/pointing outside/);
  });
});

type Entry = { name: string; type?: tar.Header['type']; linkname?: string; body?: string };

function tarOf(entries: Entry[]): Readable {
  const pack = tar.pack();
  for (const e of entries) {
    const header = { name: e.name, type: e.type ?? 'file', ...(e.linkname ? { linkname: e.linkname } : {}) };
    if (e.type && e.type !== 'file') pack.entry(header);
    else pack.entry(header, e.body ?? '');
  }
  pack.finalize();
  return Readable.from(pack as unknown as AsyncIterable<Buffer>);
}

describe('scanTar / guardTar on crafted archives', () => {
  it('scanTar counts entries and names the first unsafe one', async () => {
    expect(await scanTar(tarOf([{ name: 'config/a', body: 'x' }, { name: 'config/b' }]), '/config')).toEqual({ entries: 2 });
    await expect(scanTar(tarOf([{ name: 'config/a' }, { name: 'config/l', type: 'symlink', linkname: '../etc' }, { name: '../x' }]), '/config')).rejects.toThrow(
      /archive entry "config\/l" is a symlink pointing outside \/config/,
    );
  });

  it('scanTar without a path takes the first entry as the root', async () => {
    await expect(scanTar(tarOf([{ name: 'data/a' }, { name: 'other/b' }]))).rejects.toThrow(/outside \/data/);
  });

  const crafted: [string, Entry[], RegExp][] = [
    [
      'a symlink chain climbing out',
      [
        { name: 'conf/', type: 'directory' },
        { name: 'conf/d/', type: 'directory' },
        { name: 'conf/d/l', type: 'symlink', linkname: '..' },
        { name: 'conf/d/l/l2', type: 'symlink', linkname: '..' },
        { name: 'conf/d/l/l2/etc/cron.d/evil', body: '* * * * * root sh\n' },
      ],
      /"conf\/d\/l\/l2" is a symlink pointing outside \/srv\/conf/,
    ],
    ['a hardlink', [{ name: 'conf/a', body: 'x' }, { name: 'conf/h', type: 'link', linkname: 'conf/a' }], /"conf\/h" is a hardlink/],
    ['a hardlink out', [{ name: 'conf/h', type: 'link', linkname: '../etc/shadow' }], /hardlink/],
    ['a character device', [{ name: 'conf/null', type: 'character-device' }], /device node/],
    ['a block device', [{ name: 'conf/sda', type: 'block-device' }], /device node/],
    ['a FIFO', [{ name: 'conf/pipe', type: 'fifo' }], /FIFO/],
    ['an absolute symlink', [{ name: 'conf/passwd', type: 'symlink', linkname: '/etc/passwd' }], /absolute symlink/],
    ['an escaping relative symlink', [{ name: 'conf/up', type: 'symlink', linkname: '../../etc' }], /pointing outside/],
    ['an absolute name', [{ name: '/etc/passwd', body: 'x' }], /absolute path/],
  ];
  it.each(crafted)('%s is refused by scanTar and guardTar', async (_what, entries, why) => {
    await expect(scanTar(tarOf(entries), '/srv/conf')).rejects.toThrow(why);
    await expect(
      (async () => {
        for await (const c of guardTar(tarOf(entries), '/srv/conf')) void c;
      })(),
    ).rejects.toThrow(why);
  });

  it('guardTar passes a safe archive through and fails on an unsafe entry', async () => {
    const chunks: Buffer[] = [];
    for await (const c of guardTar(tarOf([{ name: 'config/a', body: 'hello' }, { name: 'config/l', type: 'symlink', linkname: 'a' }]), '/config')) chunks.push(c as Buffer);
    expect(await scanTar(Readable.from([Buffer.concat(chunks)]), '/config')).toEqual({ entries: 2 });
    const bad = guardTar(tarOf([{ name: 'config/a' }, { name: '/etc/x' }]), '/config');
    await expect((async () => {
      for await (const c of bad) void c;
    })()).rejects.toThrow(/absolute/);
  });
});
