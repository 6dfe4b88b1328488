import { Secret } from '@baqup/core';
import { describe, expect, it } from 'vitest';
import { createRedactor } from './redactor.js';

describe('Redactor', () => {
  it('replaces every occurrence, longest secret first, and ignores empty strings', () => {
    const r = createRedactor(['abc', 'abcdef', '']);
    expect(r.size).toBe(2);
    expect(r.redact('x abcdef y abc z abcabc')).toBe('x [redacted] y [redacted] z [redacted][redacted]');
  });

  it('accepts Secrets and forgets deleted values', () => {
    const r = createRedactor();
    r.add(new Secret('pa$$.word*'));
    expect(r.redact('pw=pa$$.word*;')).toBe('pw=[redacted];');
    r.delete('pa$$.word*');
    expect(r.redact('pw=pa$$.word*;')).toBe('pw=pa$$.word*;');
  });
});
