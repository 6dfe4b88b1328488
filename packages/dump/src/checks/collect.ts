// Dump-time collection: a failure to count never fails the backup, it becomes a note the drill reports.
import { errorCode, errorMessage, type DrillChecks } from '@baqup/core';
import type { Logger } from '@baqup/core';

export async function collectChecks(what: string, logger: Logger, collect: () => Promise<DrillChecks>): Promise<DrillChecks> {
  try {
    return await collect();
  } catch (err) {
    logger.warn(`could not record the ${what} a drill checks`, { error: { code: errorCode(err), message: errorMessage(err) } });
    return { notes: [`${what} not recorded at dump time: ${errorMessage(err)}`] };
  }
}

/** A resolved value as the lazy `checks` of an EngineOutput. */
export const ready = (checks: DrillChecks): (() => Promise<DrillChecks>) => () => Promise.resolve(checks);
