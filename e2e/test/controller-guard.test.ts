// The controller's last-resort guard (apps/controller/src/guard.ts), built, in a real child process against the real
// engine: an unhandled rejection is one JSON line and the process goes on; an uncaught exception first starts the
// container the stop journal lists (held stopped by "a backup"), then the process exits 70.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureImage, startContainer, useCleanup } from '../src/index.js';
import { repoRoot } from '../src/paths.js';

useCleanup();
const SLEEPER = ['sh', '-c', 'trap "exit 0" TERM; sleep 86400 & wait'];
const dir = mkdtempSync(join(tmpdir(), 'baqup-e2e-guard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const url = (p: string) => pathToFileURL(join(repoRoot, p)).href;

function runChild(script: string): Promise<{ code: number | null; lines: Array<Record<string, unknown>>; raw: string }> {
  const file = join(dir, `child-${Date.now()}.mjs`);
  writeFileSync(file, script);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let raw = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (raw += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (raw += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      const lines = raw.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code, lines, raw });
    });
  });
}

describe('controller guard', () => {
  it('a rejection is logged and survived; a fatal exception starts the held container from the journal, then exits 70', async () => {
    const c = await startContainer({ image: await ensureImage('base'), cmd: SLEEPER });
    await c.container.stop({ t: 1 });
    const journal = join(dir, 'journal.json');
    writeFileSync(journal, JSON.stringify({ version: 1, entries: [{ containerId: c.id, containerName: c.name, stoppedAt: new Date().toISOString(), reason: 'stopped by baqup' }] }));
    const r = await runChild(`
      import { installGuard } from ${JSON.stringify(url('apps/controller/dist/guard.js'))};
      import { createLogger } from ${JSON.stringify(url('apps/controller/node_modules/@baqup/log/dist/index.js'))};
      import { createDockerClient } from ${JSON.stringify(url('apps/controller/node_modules/@baqup/docker/dist/index.js'))};
      installGuard({ logger: createLogger({ level: 'info', format: 'json' }), journal: { path: ${JSON.stringify(journal)}, docker: createDockerClient(process.env) } });
      Promise.reject(new Error('boom-rejection'));
      setTimeout(() => {
        console.log(JSON.stringify({ alive: true }));
        setTimeout(() => { throw new Error('boom-fatal'); }, 10);
      }, 300);
      setInterval(() => {}, 1000);
    `);
    expect(r.code, r.raw).toBe(70);
    const rejection = r.lines.find((l) => l.event === 'controller.unhandled');
    expect(rejection, r.raw).toMatchObject({ level: 'error', error: { code: 'BAQUP_UNHANDLED_REJECTION', message: 'boom-rejection' } });
    const order = r.lines.map((l) => (l.alive ? 'alive' : String(l.event)));
    expect(order.indexOf('alive'), r.raw).toBeGreaterThan(order.indexOf('controller.unhandled'));
    const fatal = r.lines.filter((l) => l.event === 'controller.fatal');
    expect(fatal.at(-1), r.raw).toMatchObject({ error: { code: 'BAQUP_FATAL_EXCEPTION', message: 'boom-fatal' }, started: [c.name] });
    expect((await c.container.inspect()).State.Running).toBe(true);
  }, 90_000);
});
