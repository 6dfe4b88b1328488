// The baqup image for the image-* tests, built with no registry: the runtime base is the harness's Debian base
// plus this machine's node binary, and /app is laid out on the host by docker/prebuild.sh and copied in with the
// Dockerfile's `runtime-prebuilt` target (image builds here cannot use the npm registry). Both images are cached
// by a hash of their inputs, like the harness's: a warm run only inspects tags.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, cpSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { docker, ensureImage } from '../src/index.js';
import { buildImage, imageExists } from '../src/docker-build.js';
import { withLock } from '../src/lock.js';
import { e2eRoot, repoRoot } from '../src/paths.js';

const NODE_BINARY = process.env.BAQUP_E2E_NODE ?? process.execPath;
const cacheDir = join(e2eRoot, '.cache');

function hashFiles(h: ReturnType<typeof createHash>, root: string, paths: string[]): void {
  for (const p of paths) {
    const full = join(root, p);
    if (!existsSync(full)) continue;
    if (statSync(full).isDirectory()) {
      hashFiles(h, root, readdirSync(full).sort().map((n) => join(p, n)));
    } else {
      h.update(`${p}\0`).update(readFileSync(full)).update('\0');
    }
  }
}

function build(contextDir: string, tag: string, options: { buildargs?: Record<string, string>; target?: string }): Promise<void> {
  return buildImage(contextDir, readdirSync(contextDir), tag, { ...options, labels: { 'baqup.e2e.kind': 'baqup-image' } });
}

/** The harness base with this machine's node at /usr/local/bin/node (what node:*-slim images provide). */
export async function ensureNodeBase(): Promise<string> {
  const base = await ensureImage('base');
  const h = createHash('sha256').update(`node-base\0${base}\0`).update(readFileSync(NODE_BINARY));
  const tag = `baqup-e2e/node-base:${h.digest('hex').slice(0, 12)}`;
  if (await imageExists(tag)) return tag;
  return withLock(tag.replace(/[/:]/g, '_'), async () => {
    if (await imageExists(tag)) return tag;
    const dir = join(cacheDir, `node-base-ctx-${tag.split(':')[1]}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${base}\nCOPY node /usr/local/bin/node\n`);
    try {
      linkSync(NODE_BINARY, join(dir, 'node'));
    } catch {
      copyFileSync(NODE_BINARY, join(dir, 'node'));
    }
    await build(dir, tag, {});
    rmSync(dir, { recursive: true, force: true });
    return tag;
  });
}

/** What /app is made from: every workspace package's build output and manifest, the lockfile, the recipe. */
function appInputs(h: ReturnType<typeof createHash>): void {
  const pkgs = readdirSync(join(repoRoot, 'packages')).map((p) => `packages/${p}`);
  const dirs = [...pkgs, 'apps/controller', 'apps/cli'].flatMap((p) => [`${p}/dist`, `${p}/package.json`]);
  hashFiles(h, repoRoot, ['Dockerfile', 'docker', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', ...dirs]);
}

/** The baqup image built from the workspace's current build (`--target runtime-prebuilt`). */
export async function ensureBaqupImage(): Promise<string> {
  const nodeBase = await ensureNodeBase();
  const h = createHash('sha256').update(`baqup-image\0${nodeBase}\0`);
  appInputs(h);
  const tag = `baqup-e2e/baqup:${h.digest('hex').slice(0, 12)}`;
  if (await imageExists(tag)) return tag;
  return withLock(tag.replace(/[/:]/g, '_'), async () => {
    if (await imageExists(tag)) return tag;
    const started = Date.now();
    const ctx = join(cacheDir, `image-ctx-${tag.split(':')[1]}`);
    rmSync(ctx, { recursive: true, force: true });
    mkdirSync(ctx, { recursive: true });
    const prebuild = spawnSync('sh', [join(repoRoot, 'docker/prebuild.sh'), join(ctx, '.image-app')], { cwd: repoRoot, encoding: 'utf8' });
    if (prebuild.status !== 0) throw new Error(`docker/prebuild.sh failed (${prebuild.status}):\n${prebuild.stdout}\n${prebuild.stderr}`);
    copyFileSync(join(repoRoot, 'Dockerfile'), join(ctx, 'Dockerfile'));
    cpSync(join(repoRoot, 'docker'), join(ctx, 'docker'), { recursive: true });
    await build(ctx, tag, { buildargs: { BASE_IMAGE: nodeBase }, target: 'runtime-prebuilt' });
    rmSync(ctx, { recursive: true, force: true });
    await removeOlderTags('baqup-e2e/baqup', tag);
    console.log(`e2e: built ${tag} in ${((Date.now() - started) / 1000).toFixed(1)} s (context ${relative(repoRoot, ctx)})`);
    return tag;
  });
}

/** Each build of a changed workspace makes a new tag; older ones go (not forced: one in use by a container stays). */
async function removeOlderTags(repo: string, keep: string): Promise<void> {
  const images = await docker().listImages({ filters: { reference: [repo] } });
  for (const img of images) {
    for (const t of img.RepoTags ?? []) {
      if (t !== keep) await docker().getImage(t).remove().catch(() => undefined);
    }
  }
}

/** The host path of the engine's socket, to mount into the baqup container (the engine under test is local). */
export function engineSocketPath(): string {
  const host = process.env.DOCKER_HOST;
  if (!host) return '/var/run/docker.sock';
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  throw new Error(`the image tests mount the engine's socket; DOCKER_HOST=${host} is not a unix socket`);
}
