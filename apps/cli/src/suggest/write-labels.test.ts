import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { addLabels } from './write-labels.js';

const add = (text: string, key: string, labels: Record<string, string>, mergedLabels = false) => addLabels(text, parseDocument(text, { merge: true }), [{ key, labels, mergedLabels }]);
const labelsOf = (text: string, key: string): unknown => (parse(text) as { services: Record<string, { labels?: unknown }> }).services[key]!.labels;
const L = { 'backup.enabled': 'true', 'backup.sqlite.app.path': '/data/app.db' };

describe('addLabels', () => {
  it('a new labels: map after the last key, at the service keys\' indent, even without a final newline', () => {
    const text = 'services:\n    app:\n        image: x:1   # the app\n        command: ["run"]';
    const r = add(text, 'app', L);
    expect(r.written).toEqual(['app']);
    expect(r.text.startsWith(`${text}\n`)).toBe(true);
    expect(r.text).toContain('        labels:\n          backup.enabled: "true"\n');
    expect(labelsOf(r.text, 'app')).toEqual(L);
  });

  it('an empty labels: key is filled in place', () => {
    const text = 'services:\n  app:\n    labels:\n    image: x:1\n';
    const r = add(text, 'app', L);
    expect(r.written).toEqual(['app']);
    expect(labelsOf(r.text, 'app')).toEqual(L);
    expect(r.text).toContain('    image: x:1\n');
  });

  it('values are quoted: "true" stays a string, a path with a colon survives', () => {
    const text = 'services:\n  app:\n    image: x:1\n    labels:\n      a: b\n';
    const r = add(text, 'app', { 'backup.enabled': 'true', 'backup.fs.x.path': '/d: weird' });
    expect(labelsOf(r.text, 'app')).toEqual({ a: 'b', 'backup.enabled': 'true', 'backup.fs.x.path': '/d: weird' });
  });

  it.each([
    ['a flow-style service', 'services:\n  app: { image: x:1 }\n', false, /not written as a block map/],
    ['flow-style labels', 'services:\n  app:\n    image: x:1\n    labels: { a: b }\n', false, /not a block map or list/],
    ['labels from a merge key', 'services:\n  app:\n    image: x:1\n', true, /merge key/],
  ])('%s: skipped with the reason, text unchanged', (_what, text, merged, reason) => {
    const r = add(text, 'app', L, merged);
    expect(r.written).toEqual([]);
    expect(r.text).toBe(text);
    expect(r.skipped[0]!.reason).toMatch(reason);
  });

  it('nothing to add: the same text, nothing written or skipped', () => {
    const text = 'services:\n  app:\n    image: x:1\n';
    expect(add(text, 'app', {})).toEqual({ text, written: [], skipped: [] });
  });
});
