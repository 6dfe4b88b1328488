import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StopJournal } from './journal.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baqup-journal-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

const entry = (id: string) => ({ containerId: id, containerName: `n-${id}`, stoppedAt: '2024-01-15T03:00:00.000Z', reason: 'stopped by baqup' });

describe('StopJournal', () => {
  it('reads an absent file as empty and creates its directory on first write', async () => {
    const j = new StopJournal(join(dir, 'sub', 'journal.json'));
    expect(await j.read()).toEqual([]);
    await j.add(entry('a'));
    expect(await j.read()).toEqual([entry('a')]);
  });

  it('keeps concurrent updates (serialised), replaces an entry for the same container, leaves no temp files', async () => {
    const j = new StopJournal(join(dir, 'journal.json'));
    await Promise.all([j.add(entry('a')), j.add(entry('b')), j.add(entry('c')), j.add({ ...entry('a'), reason: 'again' })]);
    await j.remove('b');
    const list = await j.read();
    expect(list.map((e) => e.containerId).sort()).toEqual(['a', 'c']);
    expect(list.find((e) => e.containerId === 'a')?.reason).toBe('again');
    // No temp file left (the cross-process lock file stays, empty).
    expect((await readdir(dir)).sort()).toEqual(['journal.json', 'journal.json.lock']);
    expect(JSON.parse(await readFile(join(dir, 'journal.json'), 'utf8'))).toMatchObject({ version: 1 });
  });

  it('two writers with their own queues (the controller and the CLI) lose no entry: the flock serialises them', async () => {
    const path = join(dir, 'journal.json');
    const a = new StopJournal(path);
    const b = new StopJournal(path);
    const ids = Array.from({ length: 8 }, (_, i) => `c${i}`);
    await Promise.all(ids.map((id, i) => (i % 2 ? a : b).add(entry(id))));
    expect((await a.read()).map((e) => e.containerId).sort()).toEqual(ids);
  });

  it('a corrupt file is an error, not an empty journal', async () => {
    await writeFile(join(dir, 'journal.json'), '{ not json');
    await expect(new StopJournal(join(dir, 'journal.json')).read()).rejects.toMatchObject({ code: 'BAQUP_DUMP_JOURNAL' });
  });
});
