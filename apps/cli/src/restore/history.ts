// Restores and verifications run by the CLI go into the controller's history (`<data_dir>/baqup.db`) when that
// database exists: SQLite lets both processes write (WAL, a busy timeout). The CLI never creates, migrates past a
// damaged file or repairs the database — only the controller does — and a history it cannot write never changes
// the command's result; it says so on stderr.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage, silentLogger, type ControllerConfig } from '@baqup/core';
import { History } from '@baqup/history';

export function recordInHistory(config: ControllerConfig, write: (h: History) => void): void {
  const path = join(config.data_dir, 'baqup.db');
  if (!existsSync(path)) return;
  try {
    const h = new History({ path, logger: silentLogger, retentionDays: config.history.retention_days, repair: false });
    try {
      write(h);
    } finally {
      h.close();
    }
  } catch (err) {
    console.error(`baqup: warning: not recorded in the history (${path}): ${errorMessage(err)}`);
  }
}
