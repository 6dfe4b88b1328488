import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { acquireFileLock, withFileLock } from './file-lock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'baqup-lock-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('acquireFileLock (flock)', () => {
  it('a second taker is refused at once with the holder named; after release the lock is free', async () => {
    const path = join(dir, 'baqup.lock');
    const lock = await acquireFileLock(path, { holder: { what: 'baqup controller' } });
    const t0 = Date.now();
    const refused = await acquireFileLock(path).then(() => undefined, (e: unknown) => e as { code: string; message: string });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(refused?.code).toBe('BAQUP_LOCK_HELD');
    expect(refused?.message).toContain(`baqup controller (pid ${process.pid}`);
    await lock.release();
    const again = await acquireFileLock(path);
    await again.release();
  });

  it('is freed by the kernel when its holder is SIGKILLed', async () => {
    const path = join(dir, 'baqup.lock');
    // A holder in another process running this very module (transpiled next to the package, so @baqup/core
    // resolves): it takes the lock, says so, then waits to be killed.
    const src = fileURLToPath(new URL('./file-lock.ts', import.meta.url));
    const out = join(dirname(src), `.file-lock-test-${process.pid}.mjs`);
    writeFileSync(out, ts.transpileModule(readFileSync(src, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
    onTestFinished(() => rmSync(out, { force: true }));
    const script = `import { acquireFileLock } from ${JSON.stringify(out)}; await acquireFileLock(${JSON.stringify(path)}); console.log('held'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (d: Buffer) => d.toString().includes('held') && resolve());
      child.once('exit', (code) => reject(new Error(`holder exited early (${String(code)})`)));
    });
    await expect(acquireFileLock(path)).rejects.toMatchObject({ code: 'BAQUP_LOCK_HELD' });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    const lock = await acquireFileLock(path, { waitSeconds: 10 });
    await lock.release();
  });

  it('a process whose only pending work is a release stays alive until the release is done', async () => {
    // The lock's child is unref'd while held (the lock must not keep a process alive); a release waits for it to
    // end, and with nothing else pending that wait once let the event loop empty: the process exited 0 mid-release.
    const path = join(dir, 'baqup.lock');
    const src = fileURLToPath(new URL('./file-lock.ts', import.meta.url));
    const out = join(dirname(src), `.file-lock-test-release-${process.pid}.mjs`);
    writeFileSync(out, ts.transpileModule(readFileSync(src, 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText);
    onTestFinished(() => rmSync(out, { force: true }));
    const script = `import { withFileLock } from ${JSON.stringify(out)}; await withFileLock(${JSON.stringify(path)}, async () => {}); console.log('released');`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('close', r));
    expect({ code, stdout: stdout.trim() }, stderr).toEqual({ code: 0, stdout: 'released' });
  });

  it('withFileLock serialises critical sections across takers', async () => {
    const path = join(dir, 'j.lock');
    const order: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map((n) =>
        withFileLock(path, async () => {
          order.push(`${n}+`);
          await new Promise((r) => setTimeout(r, 30));
          order.push(`${n}-`);
        }),
      ),
    );
    for (let i = 0; i < order.length; i += 2) expect(order[i]!.slice(0, 1)).toBe(order[i + 1]!.slice(0, 1));
  });
});
