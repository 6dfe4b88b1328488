// Fixtures for the restore/verify/ls e2e tests: the BUILT controller producing real backups through
// POST /api/backups {wait:true}, and the BUILT CLI run as a child process with the same config file and data dir.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { repoRoot } from '../src/paths.js';
import { startControllerProcess, type ControllerProcess } from '../src/controller-process.js';
import { execIn, type TestContainer } from '../src/index.js';

export const CLI_MAIN = join(repoRoot, 'apps/cli/dist/main.js');
const TOKEN = 'restore-e2e-token';

export interface Baqup {
  ctl: ControllerProcess;
  configFile: string;
  /** BAQUP_DATA_DIR of the controller (staging under it, the default local remote too). */
  dataDir: string;
  staging: string;
  waitTargets(container: string, count: number): Promise<void>;
  /** Back up one target (or all) of a container now; resolves the succeeded job views, fails the test otherwise. */
  backup(container: string, target?: string): Promise<{ target: string; path: string; sha256: string }[]>;
  cli(args: string[]): Promise<CliRun>;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export async function startBaqup(config: Record<string, unknown> = {}): Promise<Baqup> {
  if (!existsSync(CLI_MAIN)) throw new Error(`e2e: ${CLI_MAIN} is missing; build first: pnpm exec turbo run build --filter=@baqup/cli...`);
  const ctl = await startControllerProcess({
    config: { api: { listen: '127.0.0.1:0', token: TOKEN }, logging: { level: 'info', format: 'json' }, ...config },
  });
  const dataDir = join(ctl.dataDir, 'data');
  const configFile = join(ctl.dataDir, 'config.yml');
  return {
    ctl,
    configFile,
    dataDir,
    staging: join(dataDir, 'staging'),
    async waitTargets(container, count) {
      await ctl.waitFor((list) => list.some((c) => c.name === container && c.targets.length === count), 60_000);
    },
    async backup(container, target) {
      const res = await fetch(`http://${ctl.api}/api/backups`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ container, ...(target ? { target } : {}), wait: true }),
        signal: AbortSignal.timeout(120_000),
      });
      const body = (await res.json()) as { jobs?: { target: string; status: string; path: string; sha256: string; error?: unknown }[] };
      expect(res.status, JSON.stringify(body)).toBe(200);
      expect(body.jobs?.every((j) => j.status === 'succeeded'), JSON.stringify(body)).toBe(true);
      return body.jobs!;
    },
    // BAQUP_API_URL: the controller listens on a random port; restore's safety copy goes through its API.
    cli: (args) => runCli([...args, '--config', configFile], { BAQUP_DATA_DIR: dataDir, BAQUP_API_URL: `http://${ctl.api}` }),
  };
}

/** The built CLI with stdin closed (not a TTY), as a script or cron job would run it. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Fails with the CLI's output when it did not exit 0. */
export function expectOk(r: CliRun): CliRun {
  expect(r.code, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(0);
  return r;
}

/** Every entry under `dir` with its type, mode, owner and content hash, sorted: equal trees give equal text. */
export async function treeHash(c: TestContainer, dir: string): Promise<string> {
  const script = `cd "$1" && find . -mindepth 1 | LC_ALL=C sort | while IFS= read -r p; do
    if [ -L "$p" ]; then echo "$p L $(readlink "$p")";
    elif [ -d "$p" ]; then echo "$p D $(stat -c '%a %u:%g' "$p")";
    else echo "$p F $(stat -c '%a %u:%g %s' "$p") $(sha256sum < "$p" | cut -d' ' -f1)"; fi; done`;
  const r = await execIn(c, ['sh', '-c', script, 'tree', dir]);
  if (r.exitCode !== 0) throw new Error(`tree hash of ${dir} failed: ${r.stderr}`);
  return r.stdout;
}

export async function running(c: TestContainer): Promise<boolean> {
  return (await c.container.inspect()).State.Running;
}

/** sha256 of a file inside a container (coreutils of the base image). */
export async function fileSha(c: TestContainer, path: string): Promise<string> {
  const r = await execIn(c, ['sha256sum', path]);
  if (r.exitCode !== 0) throw new Error(`sha256sum ${path}: ${r.stderr}`);
  return r.stdout.split(' ')[0]!;
}
