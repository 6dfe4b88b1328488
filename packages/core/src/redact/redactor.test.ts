import { describe, expect, it } from 'vitest';
import { Secret } from '../secret.js';
import { createRedactor, redact, secretStrength } from './redactor.js';

describe('Redactor', () => {
  it('replaces every occurrence, longest secret first, and ignores empty strings', () => {
    const r = createRedactor(['abcdefgh', 'abcdefghijkl', '']);
    expect(r.size).toBe(2);
    expect(r.redact('x abcdefghijkl y abcdefgh z abcdefghabcdefgh')).toBe('x [redacted] y [redacted] z [redacted][redacted]');
  });

  it('leaks no part of a secret that contains another, whatever the order they were added in', () => {
    for (const order of [['s3cret-pw', 's3cret-pw-and-more'], ['s3cret-pw-and-more', 's3cret-pw']]) {
      expect(redact('got s3cret-pw-and-more here', order)).toBe('got [redacted] here');
    }
  });

  it('never matches inside text it has already replaced', () => {
    expect(redact('token abcdefgh', ['abcdefgh', 'redacted'])).toBe('token [redacted]');
  });

  it('accepts Secrets and forgets deleted values', () => {
    const r = createRedactor();
    r.add(new Secret('pa$$.word*'));
    expect(r.redact('pw=pa$$.word*;')).toBe('pw=[redacted];');
    r.delete('pa$$.word*');
    expect(r.redact('pw=pa$$.word*;')).toBe('pw=pa$$.word*;');
  });

  it.each([
    ['a long secret, anywhere, even inside a word', 'Xk9-long-secret', 'tokenXk9-long-secretX', 'token[redacted]X'],
    ['a short secret as a whole word', 'x7k!', 'auth failed for x7k! (pw=x7k!)', 'auth failed for [redacted] (pw=[redacted])'],
    ['a short secret, not inside other words', 'pw', 'password pw and pwd', 'password [redacted] and pwd'],
    ['a common word only where it is a credential', 'postgres', 'pg_dump: postgres failed for user postgres; PGPASSWORD=postgres', 'pg_dump: postgres failed for user postgres; PGPASSWORD=[redacted]'],
    ['a common word after a quoted key', 'postgres', 'password: "postgres"', 'password: "[redacted]"'],
    ['a common word in a URL userinfo', 'admin', 'https://user:admin@host/admin', 'https://user:[redacted]@host/admin'],
    ['a common word that is the whole text', 'postgres', 'postgres', '[redacted]'],
    ['a common word, case kept apart', 'Secret', 'secret=Secret token=secret', 'secret=[redacted] token=secret'],
  ])('redacts %s', (_what, secret, text, expected) => {
    expect(redact(text, [secret])).toBe(expected);
  });

  it('classifies secrets by length and by the common-word list', () => {
    expect(secretStrength('postgres')).toBe('common');
    expect(secretStrength('Password')).toBe('common');
    expect(secretStrength('hunter2')).toBe('short');
    expect(secretStrength('correct-horse')).toBe('strong');
  });
});
