import { ConfigError } from '@baqup/core';
import { describe, expect, it } from 'vitest';
import { resolveLevel } from './levels.js';

describe('resolveLevel', () => {
  it.each([
    [undefined, {}, 'info'],
    ['warn', {}, 'warn'],
    ['WARN', {}, 'warn'],
    ['warn', { LOG_LEVEL: 'debug' }, 'debug'],
    [undefined, { LOG_LEVEL: ' Error ' }, 'error'],
    ['debug', { LOG_LEVEL: '' }, 'debug'],
  ] as const)('configured %s with env %j → %s', (configured, env, expected) => {
    expect(resolveLevel(configured, env)).toBe(expected);
  });

  it('rejects a misspelt level, naming where it came from', () => {
    expect(() => resolveLevel('verbose', {})).toThrow(ConfigError);
    expect(() => resolveLevel('info', { LOG_LEVEL: 'trace' })).toThrow(/LOG_LEVEL must be one of error, warn, info, debug/);
  });
});
