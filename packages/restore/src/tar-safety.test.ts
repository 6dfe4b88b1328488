import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { entryProblem, guardTar, scanTar } from './tar-safety.js';

describe('entryProblem', () => {
  const ok: [string, string, string?][] = [
    ['config/', 'directory'],
    ['config/a.txt', 'file'],
    ['config/sub/b', 'file'],
    ['config/link', 'symlink', 'a.txt'],
    ['config/sub/up', 'symlink', '../a.txt'],
    ['config/abs', 'symlink', '/config/a.txt'],
    ['config/hard', 'link', 'config/a.txt'],
  ];
  it.each(ok)('%s (%s → %s) is inside /config', (name, type, linkname) => {
    expect(entryProblem({ name, type, linkname: linkname ?? null }, '/config')).toBeUndefined();
  });

  const bad: [string, string, string | undefined, RegExp][] = [
    ['/etc/passwd', 'file', undefined, /absolute/],
    ['config/../etc/passwd', 'file', undefined, /\.\./],
    ['other/x', 'file', undefined, /outside \/config/],
    ['config/evil', 'symlink', '/etc/shadow', /symlink pointing outside/],
    ['config/evil', 'symlink', '../../etc', /symlink pointing outside/],
    ['config/evil', 'symlink', '/configx', /symlink pointing outside/],
    ['config/h', 'link', 'etc/passwd', /hardlink/],
    ['config/h', 'link', 'config/../../x', /hardlink/],
    ['config/dev', 'character-device', undefined, /device/],
  ];
  it.each(bad)('%s (%s → %s) is refused', (name, type, linkname, why) => {
    expect(entryProblem({ name, type, linkname: linkname ?? null }, '/config')).toMatch(why);
  });

  it('works for a nested target path', () => {
    expect(entryProblem({ name: 'data/x', type: 'file' }, '/srv/app/data')).toBeUndefined();
    expect(entryProblem({ name: 'data/l', type: 'symlink', linkname: '/srv/app/other' }, '/srv/app/data')).toMatch(/outside/);
  });
});

function tarOf(entries: { name: string; type?: 'file' | 'symlink'; linkname?: string; body?: string }[]): Readable {
  const pack = tar.pack();
  for (const e of entries) pack.entry({ name: e.name, type: e.type ?? 'file', ...(e.linkname ? { linkname: e.linkname } : {}) }, e.body ?? '');
  pack.finalize();
  return Readable.from(pack as unknown as AsyncIterable<Buffer>);
}

describe('scanTar / guardTar', () => {
  it('scanTar counts entries and names the first unsafe one', async () => {
    expect(await scanTar(tarOf([{ name: 'config/a', body: 'x' }, { name: 'config/b' }]), '/config')).toEqual({ entries: 2 });
    await expect(scanTar(tarOf([{ name: 'config/a' }, { name: 'config/l', type: 'symlink', linkname: '/etc' }, { name: '../x' }]), '/config')).rejects.toThrow(
      /archive entry "config\/l" is a symlink pointing outside \/config/,
    );
  });

  it('scanTar without a path takes the first entry as the root', async () => {
    await expect(scanTar(tarOf([{ name: 'data/a' }, { name: 'other/b' }]))).rejects.toThrow(/outside \/data/);
  });

  it('guardTar passes a safe archive through and fails on an unsafe entry', async () => {
    const chunks: Buffer[] = [];
    for await (const c of guardTar(tarOf([{ name: 'config/a', body: 'hello' }]), '/config')) chunks.push(c as Buffer);
    expect(await scanTar(Readable.from([Buffer.concat(chunks)]), '/config')).toEqual({ entries: 1 });
    const bad = guardTar(tarOf([{ name: 'config/a' }, { name: '/etc/x' }]), '/config');
    await expect((async () => {
      for await (const c of bad) void c;
    })()).rejects.toThrow(/absolute/);
  });
});
