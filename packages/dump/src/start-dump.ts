// One job → one DumpedJob: pre_exec, credentials, the cold hold, the engine, all under the target's timeout.
import { errorCode, errorMessage, redact, silentLogger, targetName, withFields, type BackupJob, type DumpedJob, type Logger, type Secret } from '@baqup/core';
import type { DockerClient } from '@baqup/docker';
import { resolveCredential } from './credentials.js';
import { COLD_CAPABLE, ENGINES, type EngineContext } from './engines/index.js';
import { DumpFailedError, DumpTimeoutError, PreExecFailedError } from './errors.js';
import { guard, toDumpError } from './guard.js';
import type { ContainerHolds } from './holds.js';
import { longTimeout } from './long-timeout.js';

export interface DumpDeps {
  docker: DockerClient;
  holds: ContainerHolds;
  logger?: Logger;
  /** Directory inside target containers for temporary files (sqlite backup copy, mongodump config); default /tmp. */
  tmpDir?: string;
  /**
   * Told every password resolved for a job, a file's (`*_FILE`, `password_file`) included, which is known only now:
   * the controller registers it with the log redactor.
   */
  onSecret?: (secret: Secret) => void;
}

const PRE_EXEC_TAIL = 1024;

async function preExec(ctx: EngineContext, command: string): Promise<void> {
  const r = await ctx.docker.execToCompletion(ctx.containerId, ['sh', '-c', command], { signal: ctx.signal });
  if (r.exitCode !== 0) {
    // The command is the user's and may print anything of the container's env: the password never reaches the error.
    const tail = redact(r.stderr || r.stdout, ctx.password ? [ctx.password] : []).trim();
    throw new PreExecFailedError(r.exitCode, tail.length > PRE_EXEC_TAIL ? `…${tail.slice(-PRE_EXEC_TAIL)}` : tail);
  }
}

/** Run every cleanup (last registered first) even when one fails; rethrow the first failure. */
function cleanupRunner(cleanups: (() => Promise<void>)[]): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () =>
    (running ??= (async () => {
      let first: unknown;
      for (const fn of cleanups.reverse()) {
        try {
          await fn();
        } catch (err) {
          first ??= err;
        }
      }
      if (first !== undefined) throw first;
    })());
}

/** Start the dump of one job; resolves once its stream is ready to read (see core's DumpedJob stream contract). */
export async function startDump(deps: DumpDeps, job: BackupJob): Promise<DumpedJob> {
  const startedAt = new Date();
  const { container, target } = job;
  const logger = withFields(deps.logger ?? silentLogger, { container: container.containerName, target: targetName(target), job_id: job.id });
  const engine = ENGINES[target.type];
  const controller = new AbortController();
  // Chunked: a timeout above setTimeout's int32 limit (~24.8 days) would otherwise fire after 1 ms.
  const timer = longTimeout(() => controller.abort(new DumpTimeoutError(target.timeoutSeconds)), target.timeoutSeconds * 1000);
  const cleanups: (() => Promise<void>)[] = [];
  const finish = cleanupRunner(cleanups);
  const ctx: EngineContext = {
    docker: deps.docker,
    job,
    target,
    containerId: container.containerId,
    containerName: container.containerName,
    signal: controller.signal,
    logger,
    holds: deps.holds,
    cold: false,
    tmpDir: deps.tmpDir ?? '/tmp',
    abort: (reason) => controller.abort(reason),
    defer: (fn) => cleanups.push(fn),
    files: { docker: deps.docker, containerId: container.containerId, containerName: container.containerName, signal: controller.signal },
  };
  try {
    const cold = container.stop && COLD_CAPABLE.has(target.type);
    if (!cold) {
      // Hot: never while a cold hold of this container has it stopped (nor a cold hold while this dump runs).
      // Released when the dump stream is done (a cleanup), or before the engine falls back to a cold copy.
      const leave = await deps.holds.use(container.containerId, controller.signal);
      cleanups.push(leave);
      ctx.releaseHot = leave;
    }
    if (target.password) {
      ctx.password = await resolveCredential(deps.docker, container.containerId, target.password, { containerName: container.containerName, signal: controller.signal });
      deps.onSecret?.(ctx.password);
    }
    if (target.preExec) await preExec(ctx, target.preExec);
    if (cold) {
      const swarm = container.swarm ? { swarm: { serviceId: container.swarm.serviceId, service: container.containerName } } : {};
      const release = await deps.holds.hold(container.containerId, container.containerName, controller.signal, (reason) => controller.abort(reason), swarm);
      cleanups.push(release);
      // A Swarm task scaled to 0 is gone: its files are read from the stand-in holding its volumes.
      if (release.readFrom) {
        ctx.containerId = release.readFrom;
        ctx.files = { ...ctx.files, containerId: release.readFrom };
      }
      ctx.cold = true;
    }
    const out = await engine.dump(ctx);
    logger.debug('dump streaming', { type: target.type, extension: out.extension });
    // Closing (either way) aborts whatever still listens: a tool blocked without output is killed even when the
    // consumer went away before the timeout could fire.
    const onClose = () => {
      timer.clear();
      controller.abort(new DumpFailedError('dump stream closed before the dump finished'));
    };
    const stream = guard(out.stream, { signal: controller.signal, finish, onClose, logger });
    return {
      kind: 'dumped',
      job,
      stream,
      extension: out.extension,
      ...(out.databases ? { databases: out.databases } : {}),
      toolVersions: out.toolVersions,
      ...(out.checks ? { checks: out.checks } : {}),
      startedAt,
    };
  } catch (err) {
    timer.clear();
    const error = toDumpError(err, controller.signal);
    await finish().catch((e: unknown) => logger.error('cleanup after a failed dump failed', { error: { code: errorCode(e), message: errorMessage(e) } }));
    throw error;
  }
}
