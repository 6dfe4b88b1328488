// Drills run in-process (@baqup/drill's runDrill) against the backups a real controller made: the same config file,
// staging, rclone remote or restic repository. One container per engine, small data (2 shared cores).
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { controllerDefaults, loadConfig, silentLogger } from '@baqup/core';
import { createDockerClient } from '@baqup/docker';
import { drillOwner, runDrill, sweepDrillContainers, DRILL_LABEL, type DrillReport } from '@baqup/drill';
import { ContainerHolds } from '@baqup/dump';
import { sourcesFromConfig } from '@baqup/restore';
import { docker } from '../src/index.js';
import { E2E_HOST } from '../src/host.js';
import type { Baqup } from './restore-fixtures.js';

export interface Driller {
  owner: string;
  drill(container: string, target: string, from?: 'staging' | 'remote'): Promise<DrillReport>;
  /** Drill containers of this owner that exist now (running or not). */
  leftovers(): Promise<string[]>;
}

export function driller(baqup: Baqup): Driller {
  // The controller's host (its remote directory and restic --host): the drill reads where it writes.
  const { config } = loadConfig({ path: baqup.configFile, env: { BAQUP_DATA_DIR: baqup.dataDir, BAQUP_HOSTNAME: E2E_HOST } });
  const client = createDockerClient(process.env);
  const holds = new ContainerHolds({ docker: client, journal: join(mkdtempSync(join(tmpdir(), 'baqup-drill-e2e-')), 'journal.json'), logger: silentLogger });
  const owner = drillOwner(baqup.dataDir);
  const sources = sourcesFromConfig(config, silentLogger);
  return {
    owner,
    drill: (container, target, from) =>
      runDrill({ docker: client, sources, defaults: controllerDefaults(config), holds, logger: silentLogger, owner, limits: { memoryBytes: 512 * 1024 * 1024, cpus: 1 } }, { container, target, ...(from ? { from } : {}) }),
    async leftovers() {
      const list = await docker().listContainers({ all: true, filters: { label: [`${DRILL_LABEL}=${owner}`] } });
      return list.map((c: { Names: string[]; Id: string }) => c.Names[0] ?? c.Id);
    },
  };
}

export { sweepDrillContainers };

/** Every file under `dir` (recursive) whose name ends with `suffix`. */
export async function findFiles(dir: string, suffix: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile() && e.name.endsWith(suffix)) out.push(join(e.parentPath, e.name));
  return out;
}

/** Runs `fn` with `path` changed by `change`, then puts the original bytes back. */
export async function withDamage<T>(path: string, change: (b: Buffer) => Buffer | undefined, fn: () => Promise<T>): Promise<T> {
  const original = await readFile(path);
  const changed = change(Buffer.from(original));
  if (changed) await writeFile(path, changed);
  try {
    return await fn();
  } finally {
    await writeFile(path, original);
  }
}

export const flip = (b: Buffer): Buffer => {
  const at = Math.floor(b.length / 2);
  b[at] = b[at]! ^ 0xff;
  return b;
};
export const truncate = (b: Buffer): Buffer => b.subarray(0, Math.floor(b.length * 0.6));
