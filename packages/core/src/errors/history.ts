// The embedded history database: a damaged or unwritable history never stops backups.
import { defineError } from './base.js';

export class HistoryCorruptError extends defineError('HistoryCorruptError', {
  code: 'BAQUP_HISTORY_CORRUPT',
  retryable: false,
  when: 'the history database fails to open or its integrity check at start; the file is moved aside and a fresh one is built.',
}) {}

export class HistoryWriteError extends defineError('HistoryWriteError', {
  code: 'BAQUP_HISTORY_WRITE_FAILED',
  retryable: true,
  when: 'a batch of history records cannot be written (disk full, I/O error); the records are dropped and backups go on.',
}) {}

export class HistoryUnavailableError extends defineError('HistoryUnavailableError', {
  code: 'BAQUP_HISTORY_UNAVAILABLE',
  retryable: true,
  when: 'the history database cannot be opened even fresh (data directory not writable, the SQLite module does not load); the controller runs on without history (backups go on), and the history routes answer 503.',
}) {}
