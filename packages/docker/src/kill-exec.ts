// Killing an exec. The Engine API has no "kill exec". ExecInspect.Pid is a *host* pid, and baqup usually runs
// in a container holding only the Docker socket (no host pid namespace), so it can neither signal that pid nor
// map it to the pid inside the target container (/top also reports host pids).
//
// Method: every exec we start carries a random marker in its environment (BAQUP_EXEC_TOKEN=<uuid>). Children
// inherit the environment, so the marker tags the whole process tree (pg_dump and the workers it forks, `sh -c`
// pipelines), like a process group. To kill, we run a second exec in the same container, as the same user,
// which scans /proc/*/environ for the marker and signals every match. Same user because that is what always may
// read /proc/<pid>/environ and send the signal; across uids it takes ptrace-read access and CAP_KILL, which
// hardened containers (cap_drop: ALL, non-root default user) do not have. The marker is not secret, so it may sit in
// the killer's argv. Needs `sh`, `tr` and `grep` in the target (every image that can run a dump has them); a
// process that wipes its own environment (env -i) escapes, which no dump tool does.
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { call, type DockerContext } from './context.js';
import { DemuxStream } from './demux.js';
import { DockerApiError, DockerNotFoundError } from './errors.js';

export const EXEC_TOKEN_VAR = 'BAQUP_EXEC_TOKEN';

// $1 = marker line, $2 = signal name. Prints how many processes were signalled.
const KILL_SCRIPT = [
  'n=0',
  'for d in /proc/[0-9]*; do',
  '  p=${d#/proc/}',
  '  [ "$p" = "$$" ] && continue',
  '  if tr "\\000" "\\n" < "$d/environ" 2>/dev/null | grep -qxF "$1"; then',
  '    kill -s "$2" "$p" 2>/dev/null && n=$((n+1))',
  '  fi',
  'done',
  'echo "$n"',
].join('\n');

/** The argv of the killer exec; exported for tests and for restore tooling that needs the same sweep. */
export function killCommand(token: string, signal: 'TERM' | 'KILL'): string[] {
  return ['sh', '-c', KILL_SCRIPT, 'baqup-kill', `${EXEC_TOKEN_VAR}=${token}`, signal];
}

/**
 * Signal the process tree of an exec started by this client. Resolves to the number of processes signalled
 * (0 when it had already exited).
 */
export async function killExec(
  ctx: DockerContext,
  containerId: string,
  execId: string,
  signal: 'TERM' | 'KILL' = 'KILL',
): Promise<number> {
  const record = ctx.execs.get(execId);
  if (!record || record.containerId !== containerId) {
    // Forgotten once its exit code was read: an exec that has finished has nothing left to kill.
    const info = await call(ctx, `exec ${execId}`, () => ctx.docker.getExec(execId).inspect());
    if (!info.Running && info.ContainerID === containerId) return 0;
    throw new DockerNotFoundError(`exec ${execId} started by this controller in container ${containerId}`);
  }
  const container = ctx.docker.getContainer(containerId);
  const exec = await call(ctx, `container ${containerId}`, () =>
    container.exec({
      Cmd: killCommand(record.token, signal),
      ...(record.user === undefined ? {} : { User: record.user }),
      AttachStdout: true,
      AttachStderr: true,
    }),
  );
  const stream = (await call(ctx, `exec ${exec.id}`, () => exec.start({ Detach: false, Tty: false }))) as Readable;
  const chunks: Buffer[] = [];
  const stdout = new DemuxStream();
  stdout.on('data', (c: Buffer) => chunks.push(c));
  await pipeline(stream, stdout);
  const match = /^\s*(\d+)\s*$/.exec(Buffer.concat(chunks).toString('utf8'));
  if (!match) throw new DockerApiError(`Could not kill exec ${execId} in container ${containerId}`, undefined);
  return Number(match[1]);
}
