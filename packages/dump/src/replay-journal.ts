// Repairing what a crash left behind: every container the stop journal lists is started again (if it still
// exists and is not running) and its entry cleared. Run at controller start, before any new hold.
import { errorCode, errorMessage, type Logger } from '@baqup/core';
import { DockerNotFoundError, type DockerClient } from '@baqup/docker';
import type { JournalEntry, StopJournal } from './journal.js';
import { withRetry } from './retry.js';
import { scaleBack } from './scale-hold.js';

export interface ReplayReport {
  started: string[];
  /** Listed but already running, or removed since: nothing to do. */
  skipped: string[];
  /** Could not be started; their entries stay (retried with backoff by ContainerHolds, and at the next replay). */
  failed: string[];
  /** The entries behind `failed`, and why each failed (by container id): the holds retry them with backoff. */
  failedEntries?: JournalEntry[];
  errors?: Record<string, unknown>;
}

export interface ReplayDeps {
  docker: DockerClient;
  journal: StopJournal;
  logger: Logger;
  /** Containers held right now by this process are not touched. */
  isHeld: (containerId: string) => boolean;
}

/** Never throws: problems are logged and reported. */
export async function replayJournal(deps: ReplayDeps): Promise<ReplayReport> {
  const { docker, journal, logger } = deps;
  const report: ReplayReport = { started: [], skipped: [], failed: [], failedEntries: [], errors: {} };
  let entries: JournalEntry[];
  try {
    entries = await journal.read();
  } catch (err) {
    logger.error('stop journal unreadable', { error: { code: errorCode(err), message: errorMessage(err) } });
    return report;
  }
  for (const entry of startOrder(entries)) {
    if (deps.isHeld(entry.containerId)) continue;
    try {
      if (entry.service) {
        // A Swarm service scaled to 0 by a backup that never finished: back to the replica count it had.
        await withRetry(() => scaleBack(docker, entry.service!, logger));
        logger.info('scaled back a service left at 0 by an interrupted backup', { event: 'container.started', container: entry.containerName, replicas: entry.service.replicas, stopped_at: entry.stoppedAt });
        report.started.push(entry.containerName);
        await journal.remove(entry.containerId);
        continue;
      }
      const running = await docker.isRunning(entry.containerId);
      if (running) report.skipped.push(entry.containerName);
      else {
        await withRetry(() => docker.start(entry.containerId));
        logger.info('started a container left stopped by an interrupted backup', { event: 'container.started', container: entry.containerName, stopped_at: entry.stoppedAt });
        report.started.push(entry.containerName);
      }
      await journal.remove(entry.containerId);
    } catch (err) {
      if (err instanceof DockerNotFoundError) {
        report.skipped.push(entry.containerName);
        await journal.remove(entry.containerId).catch(() => {});
        continue;
      }
      report.failed.push(entry.containerName);
      report.failedEntries!.push(entry);
      report.errors![entry.containerId] = err;
      logger.error('could not start a container left stopped by an interrupted backup', { container: entry.containerName, error: { code: errorCode(err), message: errorMessage(err) } });
    }
  }
  return report;
}

/** Containers of no group as listed; then each group's members in its start order (dependencies first). */
export function startOrder(entries: readonly JournalEntry[]): JournalEntry[] {
  const alone = entries.filter((e) => !e.group);
  const grouped = entries.filter((e) => e.group).sort((a, b) => (a.group!.name < b.group!.name ? -1 : a.group!.name > b.group!.name ? 1 : a.group!.rank - b.group!.rank));
  return [...alone, ...grouped];
}
