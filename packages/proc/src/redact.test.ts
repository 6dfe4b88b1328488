import { describe, expect, it } from 'vitest';
import { Secret } from '@baqup/core';
import { redact } from './redact.js';
import { StderrTail } from './stderr-tail.js';

describe('redact', () => {
  it('replaces every occurrence of Secret and plain values, ignoring empty ones', () => {
    expect(redact('a pw b pw c tok', [new Secret('pw'), 'tok', ''])).toBe('a [redacted] b [redacted] c [redacted]');
  });
});

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
