import { describe, expect, it } from 'vitest';
import { StderrTail } from './stderr-tail.js';

describe('StderrTail', () => {
  it('keeps only the end, redacted, on one line', () => {
    const tail = new StderrTail(64);
    for (let i = 0; i < 100; i++) tail.push(Buffer.from(`line ${i}\n`));
    tail.push(Buffer.from('FATAL password=abc\n'));
    const text = tail.text(['abc'], 40);
    expect(text.endsWith('FATAL password=[redacted]')).toBe(true);
    expect(text).not.toContain('line 1 ');
    expect(text).not.toContain('\n');
  });
});
