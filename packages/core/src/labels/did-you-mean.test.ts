import { describe, expect, it } from 'vitest';
import { cronProblem } from '../cron.js';
import { didYouMean, editDistance } from './did-you-mean.js';

describe('editDistance', () => {
  it.each([
    ['enabled', 'enabled', 0],
    ['enabeld', 'enabled', 1],
    ['postgress', 'postgres', 1],
    ['usernme', 'username', 1],
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
  ])('%s ↔ %s = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('didYouMean', () => {
  const props = ['port', 'path', 'username', 'password', 'password_env', 'password_file', 'databases'];
  it.each([
    ['usernme', 'username'],
    ['PORT', 'port'],
    ['pasword', 'password'],
    ['password_evn', 'password_env'],
    ['databse', 'databases'],
    ['pot', 'port'],
    ['host', undefined],
    ['xyz', undefined],
    ['', undefined],
  ])('%s → %s', (input, expected) => {
    expect(didYouMean(input, props)).toBe(expected);
  });
});

describe('cronProblem (the cron-parser v5 dialect)', () => {
  it.each(['0 3 * * *', '*/15 * * * *', '0 4 * * 0', '0 3 * * MON-FRI', '0 0 3 * * *', '@daily', '0 3 L * *'])('accepts %s', (expr) => {
    expect(cronProblem(expr)).toBeUndefined();
  });
  it.each([
    ['', /empty/],
    ['0 3 * *', /4 fields/],
    ['0 3 * * * * *', /7 fields/],
    ['61 * * * *', /invalid cron expression/],
    ['0 3 * * 8', /invalid cron expression/],
    ['*/0 * * * *', /invalid cron expression/],
  ])('rejects %j', (expr, message) => {
    expect(cronProblem(expr)).toMatch(message);
  });
});
