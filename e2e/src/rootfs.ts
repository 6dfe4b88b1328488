// The base image: a Debian minbase rootfs from debootstrap, imported with `docker import`. No registry involved.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker } from './client.js';

export interface RootfsRecipe {
  suite: string;
  variant: string;
  mirror: string;
}

/** The Debian mirror apt uses on this host (deb822 or one-line sources), else deb.debian.org. */
export function hostMirror(): string {
  if (process.env.BAQUP_E2E_MIRROR) return process.env.BAQUP_E2E_MIRROR;
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const m = /^URIs:\s*(\S+\/debian)\s*$/m.exec(text) ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\s+\S+/m.exec(text);
    if (m?.[1]) return m[1];
  }
  return 'http://deb.debian.org/debian';
}

export const rootfsRecipe = (): RootfsRecipe => ({ suite: 'bookworm', variant: 'minbase', mirror: hostMirror() });

function run(cmd: string, args: string[], logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.on('error', reject);
    child.on('close', (code) => {
      log.end();
      if (code === 0) resolve();
      else {
        const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-15).join('\n') : '';
        reject(new Error(`e2e: ${cmd} exited with ${code}; log ${logFile}:\n${tail}`));
      }
    });
  });
}

/** debootstraps the recipe into a temp dir and imports it as `tag`; the rootfs is removed afterwards. */
export async function buildRootfsImage(recipe: RootfsRecipe, tag: string): Promise<void> {
  const dir = mkdtempSync(join(process.env.BAQUP_E2E_WORKDIR ?? '/var/tmp', 'baqup-e2e-rootfs-'));
  const logFile = join(tmpdir(), `baqup-e2e-debootstrap-${tag.split(':')[1]}.log`);
  try {
    await run('debootstrap', [`--variant=${recipe.variant}`, recipe.suite, dir, recipe.mirror], logFile);
    const tar = spawn('tar', ['-C', dir, '--numeric-owner', '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [repo, version] = tag.split(':');
    const stream = (await docker().importImage(tar.stdout, {
      repo,
      tag: version,
      changes: 'CMD ["/bin/bash"]',
    })) as NodeJS.ReadableStream;
    await new Promise<void>((resolve, reject) => {
      docker().modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
        const failed = err ?? out.find((o) => o.error);
        if (failed) reject(failed instanceof Error ? failed : new Error(`e2e: docker import failed: ${failed.error}`));
        else resolve();
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
