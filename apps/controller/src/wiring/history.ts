// The history (<data_dir>/baqup.db), opened once this controller holds the data directory (recovery.ts): last
// success, failure counts, sizes and durations are seeded into the state before discovery's first listing, so
// /metrics and the API are right at once; a fresh database first learns what staging and the backend hold.
import type { ControllerConfig, Logger } from '@baqup/core';
import type { BackupSources } from '@baqup/restore';
import type { StateStore } from '@baqup/state';
import { foundBackups } from '../history/adopt.js';
import { openHistory, type HistoryRecorder } from '../history/recorder.js';

export function startHistory(d: { config: ControllerConfig; logger: Logger; redact: (text: string) => string; store: StateStore; sources: BackupSources }): HistoryRecorder {
  const { config } = d;
  const recorder = openHistory({
    dataDir: config.data_dir,
    retentionDays: config.history.retention_days,
    logger: d.logger,
    backend: config.upload.backend,
    cleanupAfterUpload: config.staging.cleanup_after_upload,
    redact: d.redact,
  });
  recorder.seed(d.store);
  if (recorder.history?.fresh) void recorder.adopt(() => foundBackups(d.sources), d.store);
  return recorder;
}
