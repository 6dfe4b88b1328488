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
    expect(await readdir(dir)).toEqual(['journal.json']);
    expect(JSON.parse(await readFile(join(dir, 'journal.json'), 'utf8'))).toMatchObject({ version: 1 });
  });

  it('a corrupt file is an error, not an empty journal', async () => {
    await writeFile(join(dir, 'journal.json'), '{ not json');
    await expect(new StopJournal(join(dir, 'journal.json')).read()).rejects.toMatchObject({ code: 'BAQUP_DUMP_JOURNAL' });
  });
});
