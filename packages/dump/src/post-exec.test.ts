import { describe, expect, it } from 'vitest';
import type { BackupJob, BackupResult } from '@baqup/core';
import { postExecEnv } from './post-exec.js';

const job = { id: 'j1', container: { containerName: 'nextcloud' }, target: { type: 'fs', instance: 'data' }, schedule: { name: 'daily' }, trigger: 'schedule' } as unknown as BackupJob;

describe('postExecEnv', () => {
  it('a success: result, size, file and duration', () => {
    const result = { job, success: true, bytes: 4096, durationSeconds: 2.5, stagingPath: '/staging/nextcloud/fs-data/daily/20260101T030000Z.tar.zst' } as BackupResult;
    expect(postExecEnv(job, 'success', result)).toEqual({
      BAQUP_RESULT: 'success', BAQUP_JOB_ID: 'j1', BAQUP_CONTAINER: 'nextcloud', BAQUP_TARGET: 'fs-data', BAQUP_SCHEDULE: 'daily', BAQUP_TRIGGER: 'schedule',
      BAQUP_DURATION_MS: '2500', BAQUP_BYTES: '4096', BAQUP_FILE: '20260101T030000Z.tar.zst',
    });
  });

  it('a failure carries the error; a job cut off by shutdown only says aborted', () => {
    const result = { job, success: false, durationSeconds: 1, error: { code: 'BAQUP_DUMP_TIMEOUT', message: 'timed out' } } as BackupResult;
    expect(postExecEnv(job, 'failure', result)).toMatchObject({ BAQUP_RESULT: 'failure', BAQUP_ERROR_CODE: 'BAQUP_DUMP_TIMEOUT', BAQUP_ERROR_MESSAGE: 'timed out' });
    expect(postExecEnv(job, 'aborted')).not.toHaveProperty('BAQUP_BYTES');
    expect(postExecEnv(job, 'aborted').BAQUP_RESULT).toBe('aborted');
  });
});
