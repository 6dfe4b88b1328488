import { EMPTY } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { builtinDefaults } from '@baqup/core';
import { deriveFromLabels, discoverOnce, isDiscovered } from './derive.js';
import type { DiscoverySource, InspectedContainer } from './source.js';

const container = (id: string, labels: Record<string, string>, running = true): InspectedContainer => ({ id, name: `n-${id}`, image: 'img', running, labels, env: [] });

function source(list: InspectedContainer[], failing: string[] = []): DiscoverySource {
  return {
    triggers: () => EMPTY,
    listIds: async () => list.map((c) => c.id),
    inspect: async (id) => {
      if (failing.includes(id)) throw new Error(`inspect ${id} failed`);
      return list.find((c) => c.id === id) ?? null;
    },
  };
}

describe('isDiscovered', () => {
  it.each([
    ['running and labelled', container('a', { 'backup.enabled': 'true' }), false, true],
    ['a typo of the value still counts (it surfaces as a label error)', container('a', { 'backup.enabled': 'ture' }), false, true],
    ['stopped', container('a', { 'backup.enabled': 'true' }, false), false, false],
    ['stopped but held by baqup', container('a', { 'backup.enabled': 'true' }, false), true, true],
    ['no backup.enabled', container('a', { 'backup.fs.data.path': '/data' }), false, false],
  ])('%s', (_what, c, held, want) => expect(isDiscovered(c, held)).toBe(want));
});

describe('discoverOnce', () => {
  const derive = deriveFromLabels(builtinDefaults());

  it('derives every kept container through parseLabels; one failing inspect leaves the others', async () => {
    const list = [
      container('a', { 'backup.enabled': 'true', 'backup.fs.data.path': '/data' }),
      container('b', { 'backup.enabled': 'true', 'backup.postgress.main.port': '5432' }),
      container('c', { 'backup.enabled': 'true' }, false),
      container('d', { 'backup.enabled': 'true' }),
    ];
    const { desired, failures } = await discoverOnce(source(list, ['d']), { derive });
    expect([...desired.keys()]).toEqual(['a', 'b']);
    expect(desired.get('a')?.targets.map((t) => `${t.type}-${t.instance}`)).toEqual(['fs-data']);
    expect(desired.get('b')?.errors[0]).toMatchObject({ label: 'backup.postgress.main.port', suggestion: 'backup.postgres.main.port' });
    expect(failures).toEqual([{ id: 'd', message: 'inspect d failed' }]);
  });

  it('keeps stopped containers with includeStopped; drops a container gone since the list', async () => {
    const list = [container('c', { 'backup.enabled': 'true', 'backup.fs.x.path': '/x' }, false)];
    const src = source(list);
    expect((await discoverOnce(src, { derive, includeStopped: true })).desired.size).toBe(1);
    const gone: DiscoverySource = { ...src, listIds: async () => ['c', 'zz'] };
    expect([...(await discoverOnce(gone, { derive, includeStopped: true })).desired.keys()]).toEqual(['c']);
  });

  it('a derive that throws is a failure, not a crash', async () => {
    const r = await discoverOnce(source([container('a', { 'backup.enabled': 'true' })]), { derive: () => { throw new Error('nope'); } });
    expect(r.desired.size).toBe(0);
    expect(r.failures).toEqual([{ id: 'a', name: 'n-a', message: 'nope' }]);
  });
});
