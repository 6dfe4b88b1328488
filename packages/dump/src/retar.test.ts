import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { retar } from './retar.js';

interface Entry {
  header: tar.Header;
  body: string;
}

function archive(entries: { name: string; type?: tar.Header['type']; body?: string; linkname?: string; mode?: number; uid?: number }[]): Readable {
  const pack = tar.pack();
  for (const e of entries) pack.entry({ name: e.name, type: e.type ?? 'file', mode: e.mode ?? 0o640, uid: e.uid ?? 0, ...(e.linkname ? { linkname: e.linkname } : {}) }, e.body ?? '');
  pack.finalize();
  return pack as unknown as Readable;
}

async function read(source: Readable): Promise<Entry[]> {
  const extract = tar.extract();
  source.on('error', (err) => extract.destroy(err));
  source.pipe(extract);
  const out: Entry[] = [];
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    out.push({ header: entry.header, body: Buffer.concat(chunks).toString() });
  }
  return out;
}

describe('retar', () => {
  const input = () =>
    archive([
      { name: 'conf/', type: 'directory', mode: 0o755 },
      { name: 'conf/a.txt', body: 'alpha'.repeat(10_000), mode: 0o600, uid: 1000 },
      { name: 'conf/l', type: 'symlink', linkname: 'a.txt' },
      { name: 'conf/b.txt', body: 'beta' },
    ]);

  it('keeps, skips, and renames entries with their bodies', async () => {
    const out = await read(retar(input(), (h) => (h.name === 'conf/b.txt' ? 'skip' : { header: { ...h, name: h.name.replace(/^conf/, 'tmp') } })));
    expect(out.map((e) => [e.header.name, e.header.type, e.body.length])).toEqual([
      ['tmp/', 'directory', 0],
      ['tmp/a.txt', 'file', 50_000],
      ['tmp/l', 'symlink', 0],
    ]);
    expect(out[1]!.header).toMatchObject({ mode: 0o600, uid: 1000 });
  });

  it('drop: writes the new header without the body (a file turned into a hardlink) and goes on with the next entry', async () => {
    const out = await read(retar(input(), (h) => (h.type === 'file' ? { header: { ...h, type: 'link', linkname: `stage/${h.name}` }, drop: true } : 'keep')));
    expect(out.map((e) => [e.header.name, e.header.type, e.header.linkname ?? null, e.header.size, e.body])).toEqual([
      ['conf/', 'directory', null, 0, ''],
      ['conf/a.txt', 'link', 'stage/conf/a.txt', 0, ''],
      ['conf/l', 'symlink', 'a.txt', 0, ''],
      ['conf/b.txt', 'link', 'stage/conf/b.txt', 0, ''],
    ]);
    // The owner and mode travel with the link: Docker applies them to the linked inode.
    expect(out[1]!.header).toMatchObject({ mode: 0o600, uid: 1000 });
  });

  it('an Error fails the output before that entry is written', async () => {
    await expect(read(retar(input(), (h) => (h.name === 'conf/l' ? new Error('no links') : 'keep')))).rejects.toThrow('no links');
  });
});
