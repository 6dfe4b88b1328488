// Before anything else runs, by the one controller of this data directory (a second one exits here, before it could
// start containers the first holds stopped or sweep its partial files): containers a crash left stopped are started
// again, and partial files of interrupted backups are removed from staging.
import { errorMessage, JournalReplayError, type Logger } from '@baqup/core';
import type { ContainerHolds } from '@baqup/dump';
import { sweepPartials } from '@baqup/stage';
import { lockDataDirs } from '../data-lock.js';

export async function recoverFromCrash(o: { holds: ContainerHolds; journal: string; stagingRoot: string; logger: Logger }): Promise<void> {
  const { logger } = o;
  await lockDataDirs(o.journal, o.stagingRoot, logger);
  await o.holds.replayJournal().then(
    (r) => r.started.length > 0 && logger.warn('started containers a previous run had left stopped', { event: 'container.started', containers: r.started }),
    (err: unknown) => logger.error('journal replay failed; will retry at next start', { error: new JournalReplayError(errorMessage(err), { cause: err }) }),
  );
  const swept = await sweepPartials(o.stagingRoot).catch(() => []);
  if (swept.length > 0) logger.info('removed partial files of interrupted backups', { count: swept.length });
}
