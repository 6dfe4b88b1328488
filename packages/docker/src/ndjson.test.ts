import { describe, expect, it } from 'vitest';
import { NdjsonSplitter } from './ndjson.js';

const lines = ['{"a":1}', '{"b":"ü—two"}', '{"c":[1,2,3]}'];
const text = Buffer.from(lines.map((l) => `${l}\n`).join(''));

describe('NdjsonSplitter', () => {
  it('returns every line when one chunk carries several', () => {
    const s = new NdjsonSplitter();
    expect(s.push(text)).toEqual(lines);
    expect(s.end()).toEqual([]);
  });

  it('gives the same lines for a split at every byte boundary (including inside a UTF-8 character)', () => {
    for (let i = 0; i <= text.length; i++) {
      const s = new NdjsonSplitter();
      const out = [...s.push(text.subarray(0, i)), ...s.push(text.subarray(i)), ...s.end()];
      expect(out, `split at ${i}`).toEqual(lines);
    }
  });

  it('gives the same lines when fed byte by byte', () => {
    const s = new NdjsonSplitter();
    const out: string[] = [];
    for (const b of text) out.push(...s.push(Buffer.from([b])));
    expect(out).toEqual(lines);
  });

  it('skips blank lines, strips CR and returns an unterminated last line at end', () => {
    const s = new NdjsonSplitter();
    expect(s.push('\n{"x":1}\r\n\n{"y"')).toEqual(['{"x":1}']);
    expect(s.push(':2}')).toEqual([]);
    expect(s.end()).toEqual(['{"y":2}']);
  });
});
