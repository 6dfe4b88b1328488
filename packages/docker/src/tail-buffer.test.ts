import { describe, expect, it } from 'vitest';
import { TailBuffer } from './tail-buffer.js';

describe('TailBuffer', () => {
  it('keeps everything below the limit', () => {
    const t = new TailBuffer(10);
    t.write(Buffer.from('abc'));
    t.write(Buffer.from('def'));
    expect(t.toString()).toBe('abcdef');
    expect(t.truncated).toBe(false);
  });

  it('keeps only the last `limit` bytes', () => {
    const t = new TailBuffer(5);
    for (const s of ['abc', 'defg', 'hi']) t.write(Buffer.from(s));
    expect(t.toString()).toBe('efghi');
    expect(t.truncated).toBe(true);
    t.write(Buffer.from('0123456789'));
    expect(t.toString()).toBe('56789');
  });
});
