// Fixtures for the dump e2e tests: jobs built like discovery builds them, a dump run to a file (or to its
// failure), a recorder of Docker's events (to prove no password is broadcast) and a logger that keeps lines.
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { firstValueFrom, of } from 'rxjs';
import * as tar from 'tar-stream';
import type { BackupJob, DumpedJob, JobFailed, LogFields, Logger, TargetConfig } from '@baqup/core';
import { createDockerClient, type DockerClient } from '@baqup/docker';
import { ContainerHolds, dump, startDump, type DumpDeps } from '@baqup/dump';
import { docker, execIn, type TestContainer } from '../src/index.js';

let seq = 0;

export function makeJob(c: TestContainer, target: Partial<TargetConfig> & Pick<TargetConfig, 'type'>, opts: { stop?: boolean } = {}): BackupJob {
  const full: TargetConfig = { instance: 'main', schedule: 'daily', compress: 'none', timeoutSeconds: 120, properties: {}, ...target };
  const schedule = { name: 'daily', cron: '0 3 * * *', retention: { keepLast: 7 } };
  return {
    id: `job-${process.pid}-${++seq}`,
    container: {
      containerId: c.id,
      containerName: c.name,
      image: 'test',
      enabled: true,
      stop: opts.stop ?? false,
      schedules: { daily: schedule },
      targets: [full],
      errors: [],
    },
    target: full,
    schedule,
    triggeredAt: new Date(),
    trigger: 'manual',
  };
}

export interface Lines {
  logger: Logger;
  lines: { level: string; msg: string; fields?: LogFields }[];
}

export function recordingLogger(): Lines {
  const lines: Lines['lines'] = [];
  const at = (level: string) => (msg: string, fields?: LogFields) => void lines.push({ level, msg, ...(fields ? { fields } : {}) });
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

export interface Env {
  client: DockerClient;
  holds: ContainerHolds;
  deps: DumpDeps;
  dir: string;
  journal: string;
  log: Lines;
  dispose(): Promise<void>;
}

export async function dumpEnv(): Promise<Env> {
  const dir = await mkdtemp(join(tmpdir(), 'baqup-dump-e2e-'));
  const client = createDockerClient();
  const journal = join(dir, 'journal.json');
  const log = recordingLogger();
  const holds = new ContainerHolds({ docker: client, journal, logger: log.logger });
  return { client, holds, dir, journal, log, deps: { docker: client, holds, logger: log.logger }, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** Through the operator, as the controller runs it. */
export function runOperator(deps: DumpDeps, job: BackupJob): Promise<DumpedJob | JobFailed> {
  return firstValueFrom(of(job).pipe(dump(deps)));
}

/** Dump a job to `file`; resolves to the DumpedJob and the bytes written, or rejects with the dump's error. */
export async function dumpToFile(deps: DumpDeps, job: BackupJob, file: string): Promise<{ dumped: DumpedJob; data: Buffer }> {
  const dumped = await startDump(deps, job);
  await pipeline(dumped.stream, createWriteStream(file));
  return { dumped, data: await readFile(file) };
}

/** The error a dump ends with, whether it fails before streaming or mid-stream; fails the test if it succeeds. */
export async function dumpError(deps: DumpDeps, job: BackupJob, file: string): Promise<Error & { code?: string }> {
  try {
    await dumpToFile(deps, job, file);
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('dump succeeded but was expected to fail');
}

/** Every Docker event while recording, as raw JSON text (exec_create / exec_start actions carry the argv). */
export async function recordEvents(): Promise<{ stop(): Promise<string> }> {
  // `since` (whole seconds) makes sure nothing is missed; events from before the call are dropped by timeNano.
  const startNano = BigInt(Date.now()) * 1_000_000n;
  const stream = (await docker().getEvents({ since: Math.floor(Date.now() / 1000) - 1 })) as unknown as Readable;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('error', () => {});
  let stopped: Promise<string> | undefined;
  const stop = async (): Promise<string> => {
    // Events are delivered asynchronously, in the order the engine emitted them: once an event caused now (a
    // marker volume's create) has arrived, so has every event of what the test did before (a fixed pause can be
    // too short on a loaded host).
    const marker = `baqup-e2e-events-mark-${process.pid}-${++seq}`;
    await docker().createVolume({ Name: marker, Labels: { 'baqup.e2e': '1' } });
    try {
      const deadline = Date.now() + 60_000;
      while (!Buffer.concat(chunks).toString('utf8').includes(marker)) {
        if (Date.now() > deadline) throw new Error(`docker events: the marker event ${marker} did not arrive within 60 s`);
        await new Promise((r) => setTimeout(r, 25));
      }
    } finally {
      stream.destroy();
      await docker().getVolume(marker).remove().catch(() => undefined);
    }
    return Buffer.concat(chunks)
      .toString('utf8')
      .split('\n')
      .filter((line) => line && !line.includes(marker) && BigInt((JSON.parse(line) as { timeNano?: number }).timeNano ?? 0) >= startNano)
      .join('\n');
  };
  // Once: a second stop() (an afterAll after the test's own) gets the same answer instead of waiting on a closed stream.
  return { stop: () => (stopped ??= stop()) };
}

export async function until(what: string, check: () => Promise<boolean>, tries = 150): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface RawEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
}

/** The container lifecycle actions (`stop`, `start`, `die`, …) recorded for one container, in order. */
export function lifecycle(log: string, containerId: string): string[] {
  return log
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RawEvent)
    .filter((e) => e.Type === 'container' && e.Actor?.ID === containerId && !e.Action?.startsWith('exec_'))
    .map((e) => e.Action ?? '');
}

/** A tar holding one file, for putArchive. */
export function tarOf(name: string, data: Buffer, mode = 0o644): Readable {
  const pack = tar.pack();
  pack.entry({ name, mode }, data);
  pack.finalize();
  return pack as unknown as Readable;
}

/** Command lines of the live processes in a container, read from /proc (minbase images have no ps). */
export async function processes(c: TestContainer): Promise<string[]> {
  const script = 'for d in /proc/[0-9]*; do s=$(cut -d" " -f3 "$d/stat" 2>/dev/null); [ "$s" = Z ] && continue; tr "\\000" " " < "$d/cmdline" 2>/dev/null; echo; done';
  const r = await execIn(c, ['sh', '-c', script]);
  if (r.exitCode !== 0) throw new Error(`listing processes failed: ${r.stderr}`);
  return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** The sqlite image's app installs its TERM trap before it idles in `sleep 3600`: wait for that, so a stop is instant. */
export async function appIdle(c: TestContainer): Promise<void> {
  await until('the app to idle', async () => (await processes(c)).some((p) => p.startsWith('sleep 3600')));
}
