// Running a command inside a test container through the exec API, with stdout/stderr split and the exit code.
import { PassThrough } from 'node:stream';
import { docker } from './client.js';
import type { TestContainer } from './containers.js';

export interface ExecOptions {
  /** Extra environment for the command only (never put secrets in argv: Docker broadcasts it in events). */
  env?: Record<string, string>;
  /** Written to the command's stdin, which is then closed. */
  stdin?: string | Buffer;
  user?: string;
  workingDir?: string;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (b: Buffer) => chunks.push(b));
  return () => Buffer.concat(chunks).toString('utf8');
}

export async function execIn(c: TestContainer, cmd: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const withStdin = opts.stdin !== undefined;
  const exec = await c.container.exec({
    Cmd: cmd,
    AttachStdin: withStdin,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    ...(opts.env ? { Env: Object.entries(opts.env).map(([k, v]) => `${k}=${v}`) } : {}),
    ...(opts.user ? { User: opts.user } : {}),
    ...(opts.workingDir ? { WorkingDir: opts.workingDir } : {}),
  });
  const stream = await exec.start({ hijack: true, stdin: withStdin });
  const out = new PassThrough();
  const err = new PassThrough();
  const stdout = collect(out);
  const stderr = collect(err);
  docker().modem.demuxStream(stream, out, err);
  const ended = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  if (withStdin) stream.end(opts.stdin);
  await ended;
  // The stream can end a moment before the engine records the exit code.
  let info = await exec.inspect();
  for (let i = 0; info.Running && i < 100; i++) {
    await new Promise((r) => setTimeout(r, 50));
    info = await exec.inspect();
  }
  return { exitCode: info.ExitCode ?? -1, stdout: stdout(), stderr: stderr() };
}

/** execIn that throws (with stderr) unless the command exits 0; returns stdout without the trailing newline. */
export async function execOk(c: TestContainer, cmd: string[], opts: ExecOptions = {}): Promise<string> {
  const r = await execIn(c, cmd, opts);
  if (r.exitCode !== 0) {
    throw new Error(`e2e: \`${cmd[0]}\` in ${c.name} exited with ${r.exitCode}: ${r.stderr.trim() || r.stdout.trim()}`);
  }
  return r.stdout.replace(/\n$/, '');
}
