// The last-resort guard of the controller process. An unhandled promise rejection is a bug, not a reason to stop
// backing up: it is logged as one JSON line (code BAQUP_UNHANDLED_REJECTION) and the process goes on. An uncaught
// exception leaves the process in an unknown state, so it ends it — but first every container the stop journal
// lists (those baqup holds stopped) is started again, so a crash never leaves a database down. Exit code 70.
import { errorMessage, type Logger } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import { replayJournal, StopJournal } from '@baqup/dump';
import { FatalExceptionError, UnhandledRejectionError } from '@baqup/core';

export const FATAL_EXIT_CODE = 70;

export interface GuardOptions {
  logger: Logger & { flush?: () => Promise<void> };
  /** Where held containers are recorded (config `journal`) and the engine to start them with; absent before the
   * config is read, then the fatal path only logs and exits. */
  journal?: { path: string; docker: DockerClient } | undefined;
  /** Upper bound for starting held containers before exiting anyway; default 20 s. */
  fatalBudgetMs?: number;
  exit?: (code: number) => void;
}

const describe = (err: unknown) => ({ message: errorMessage(err), ...(err instanceof Error ? { name: err.name } : {}) });

export interface Guard {
  onRejection: (reason: unknown) => void;
  onException: (err: unknown) => Promise<void>;
  /** Removes the process handlers (tests). */
  uninstall: () => void;
}

/** Installs the process handlers; call once, first thing in main. */
export function installGuard(o: GuardOptions): Guard {
  const exit = o.exit ?? ((code: number) => process.exit(code));
  let dying = false;
  const onRejection = (reason: unknown) => {
    o.logger.error('unhandled promise rejection (a bug); the controller goes on', { event: 'controller.unhandled', error: { code: UnhandledRejectionError.code, ...describe(reason) } });
  };
  const onException = async (err: unknown) => {
    if (dying) return;
    dying = true;
    o.logger.error('uncaught exception (a bug): starting held containers, then exiting', { event: 'controller.fatal', error: { code: FatalExceptionError.code, ...describe(err) } });
    // Whatever happens below, the process ends within the budget.
    const budget = o.fatalBudgetMs ?? 20_000;
    const deadline = setTimeout(() => exit(FATAL_EXIT_CODE), budget + 2_000);
    let started: string[] = [];
    let failed: string[] = [];
    if (o.journal) {
      const replay = replayJournal({ docker: o.journal.docker, journal: new StopJournal(o.journal.path), logger: o.logger, isHeld: () => false });
      const report = await Promise.race([replay, new Promise<undefined>((r) => setTimeout(() => r(undefined), budget).unref())]).catch(() => undefined);
      started = report?.started ?? [];
      failed = report?.failed ?? [];
    }
    o.logger.error('controller exiting after an uncaught exception', { event: 'controller.fatal', error: { code: FatalExceptionError.code, ...describe(err) }, started, failed });
    await o.logger.flush?.().catch(() => undefined);
    clearTimeout(deadline);
    exit(FATAL_EXIT_CODE);
  };
  const exceptionListener = (err: unknown) => void onException(err);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', exceptionListener);
  return {
    onRejection,
    onException,
    uninstall: () => {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', exceptionListener);
    },
  };
}
