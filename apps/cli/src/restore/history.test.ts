// recordInHistory against real database files: writes into the controller's database when there is one, never
// creates one, and leaves a damaged one where it is (the controller repairs it), saying so on stderr.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig, silentLogger } from '@baqup/core';
import { History } from '@baqup/history';
import { recordInHistory } from './history.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baqup-cli-history-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const config = () => resolveConfig({ data_dir: dir }, {});
const verification = { container: 'db', target: 'postgres-main', backup: '20261206T030000Z', source: 'staging', at: 1, success: true };

describe('recordInHistory', () => {
  it('writes into the database the controller made', () => {
    new History({ path: join(dir, 'baqup.db'), logger: silentLogger, retentionDays: 400 }).close();
    recordInHistory(config(), (h) => h.recordVerification(verification));
    const h = new History({ path: join(dir, 'baqup.db'), logger: silentLogger, retentionDays: 400 });
    expect(h.recent('verifications')).toEqual([expect.objectContaining({ container: 'db', success: true })]);
    h.close();
  });

  it('creates nothing where no controller keeps a history', () => {
    recordInHistory(config(), (h) => h.recordVerification(verification));
    expect(existsSync(join(dir, 'baqup.db'))).toBe(false);
  });

  it('a damaged database is left alone, with a warning', () => {
    writeFileSync(join(dir, 'baqup.db'), Buffer.alloc(4096, 0x41));
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      recordInHistory(config(), (h) => h.recordVerification(verification));
      expect(err).toHaveBeenCalledWith(expect.stringMatching(/not recorded in the history .*cannot be used/));
    } finally {
      err.mockRestore();
    }
    expect(readdirSync(dir)).toEqual(['baqup.db']);
  });
});
