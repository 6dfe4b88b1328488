// `baqup restore` interrupted (issue 12): Ctrl-C twice, or SIGHUP from a terminal that went away (a closed
// `docker exec -it`: the signal, and every later write to the terminal failing), never leaves the container it
// stopped for an in-place restore (fs target, backup.stop=true) stopped. The BUILT CLI against the real engine,
// signalled while Docker says the container is down mid-extraction.
import { spawn, type ChildProcess } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { docker } from '../src/client.js';
import { ensureImage, startContainer, useCleanup, type TestContainer } from '../src/index.js';
import { useControllerCleanup } from '../src/controller-process.js';
import { CLI_MAIN, startBaqup, type Baqup } from './restore-fixtures.js';

useCleanup();
useControllerCleanup();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Running per the list API (an inspect can wait for an archive stream). */
const running = async (c: TestContainer) => (await docker().listContainers({ all: true, filters: { id: [c.id] } }))[0]?.State === 'running';

/** 2 GiB of sparse zeros: a tiny backup whose extraction streams long enough to signal it mid-way. */
const IDLE = ['sh', '-c', `mkdir -p /data && truncate -s 1G /data/a && truncate -s 1G /data/b && echo hi > /data/small; trap 'exit 0' TERM INT; while :; do sleep 3600 & wait $!; done`];

async function world(): Promise<{ b: Baqup; c: TestContainer }> {
  const c = await startContainer({ image: await ensureImage('base'), cmd: IDLE, labels: { 'backup.enabled': 'true', 'backup.stop': 'true', 'backup.fs.data.path': '/data' } });
  const b = await startBaqup();
  await b.waitTargets(c.name, 1);
  await b.backup(c.name, 'fs-data');
  return { b, c };
}

interface Restore {
  child: ChildProcess;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

function startRestore(b: Baqup, c: TestContainer): Restore {
  const child = spawn(process.execPath, [CLI_MAIN, 'restore', c.name, 'fs-data', '--yes', '--no-safety-copy', '--config', b.configFile], {
    env: { ...process.env, BAQUP_DATA_DIR: b.dataDir, BAQUP_API_URL: `http://${b.ctl.api}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (out += s));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return { child, exit, output: () => out };
}

/** Resolves once Docker reports the container stopped (the restore holds it for the extraction). */
async function stoppedByRestore(r: Restore, c: TestContainer): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (await running(c)) {
    if (Date.now() > deadline) throw new Error(`the restore never stopped the container; output:\n${r.output()}`);
    await sleep(50);
  }
}

async function runningWithin(c: TestContainer, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await running(c))) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

describe('baqup restore interrupted mid-extraction (container stopped by it)', () => {
  // One container and one backup for the three cases: each restore of it is interrupted.
  let w: { b: Baqup; c: TestContainer };
  beforeAll(async () => {
    w = await world();
  }, 300_000);

  it('Ctrl-C twice: the second one starts the container before exiting (130)', { timeout: 300_000 }, async () => {
    const { b, c } = w;
    const r = startRestore(b, c);
    await stoppedByRestore(r, c);
    r.child.kill('SIGINT');
    await sleep(50);
    r.child.kill('SIGINT');
    const exit = await r.exit;
    expect(exit.signal, `killed by the signal instead of handling it; output:\n${r.output()}`).toBeNull();
    expect([1, 130]).toContain(exit.code);
    // Started before the process ended: a moment for Docker's list to say so.
    expect(await runningWithin(c, 5_000), `container left stopped; output:\n${r.output()}`).toBe(true);
  });

  it('SIGHUP from a closed terminal (output fails from then on): the restore is aborted and the container started', { timeout: 300_000 }, async () => {
    const { b, c } = w;
    const r = startRestore(b, c);
    await stoppedByRestore(r, c);
    // The terminal is gone: nobody reads its output any more (writes get EPIPE), and the session leader's SIGHUP.
    r.child.stdout!.destroy();
    r.child.stderr!.destroy();
    r.child.kill('SIGHUP');
    const exit = await r.exit;
    expect(exit.signal).toBeNull();
    expect(exit.code).toBe(1);
    expect(await runningWithin(c, 5_000), 'container left stopped').toBe(true);
  });

  it('SIGHUP, then SIGTERM (docker exec gone, then the session killed): the container is started', { timeout: 300_000 }, async () => {
    const { b, c } = w;
    const r = startRestore(b, c);
    await stoppedByRestore(r, c);
    r.child.stdout!.destroy();
    r.child.stderr!.destroy();
    r.child.kill('SIGHUP');
    await sleep(20);
    r.child.kill('SIGTERM');
    const exit = await r.exit;
    expect(exit.signal).toBeNull();
    expect([1, 130]).toContain(exit.code);
    expect(await runningWithin(c, 5_000), 'container left stopped').toBe(true);
  });
});
