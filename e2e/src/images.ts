// Test images built by the harness from Debian packages, cached by a hash of their recipe: the tag
// `baqup-e2e/<kind>:<hash12>` exists exactly when that recipe was built, so a warm run only inspects tags.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildImage, imageExists } from './docker-build.js';
import { withLock } from './lock.js';
import { imagesDir } from './paths.js';
import { buildRootfsImage, rootfsRecipe } from './rootfs.js';

export type ImageKind = 'base' | 'postgres' | 'mariadb' | 'redis' | 'sqlite' | 'sqlite-nobin';
export const IMAGE_KINDS: readonly ImageKind[] = ['base', 'postgres', 'mariadb', 'redis', 'sqlite', 'sqlite-nobin'];

/** Build args naming the images a recipe builds FROM; the recipe's hash covers theirs. */
const DEPENDS: Record<ImageKind, Partial<Record<string, ImageKind>>> = {
  base: {},
  postgres: { BASE_IMAGE: 'base' },
  mariadb: { BASE_IMAGE: 'base' },
  redis: { BASE_IMAGE: 'base' },
  sqlite: { BASE_IMAGE: 'base' },
  'sqlite-nobin': { BASE_IMAGE: 'base', SQLITE_IMAGE: 'sqlite' },
};

/** Bump to rebuild every image when the build procedure itself (not a recipe file) changes. */
const HARNESS_VERSION = '1';
const REPO_PREFIX = 'baqup-e2e';

function recipeFiles(kind: ImageKind): string[] {
  return readdirSync(join(imagesDir, kind)).sort();
}

const tagCache = new Map<ImageKind, string>();

/** The cache tag of `kind`, from its recipe files, its dependencies' tags and (for base) the debootstrap inputs. */
export function imageTag(kind: ImageKind): string {
  const cached = tagCache.get(kind);
  if (cached) return cached;
  const h = createHash('sha256').update(`${HARNESS_VERSION}\0${kind}\0`);
  if (kind === 'base') h.update(JSON.stringify(rootfsRecipe()));
  else {
    for (const f of recipeFiles(kind)) h.update(`${f}\0`).update(readFileSync(join(imagesDir, kind, f))).update('\0');
    for (const [arg, dep] of Object.entries(DEPENDS[kind])) h.update(`${arg}=${imageTag(dep!)}\0`);
  }
  const tag = `${REPO_PREFIX}/${kind}:${h.digest('hex').slice(0, 12)}`;
  tagCache.set(kind, tag);
  return tag;
}

function buildFromRecipe(kind: ImageKind, tag: string, buildargs: Record<string, string>): Promise<void> {
  return buildImage(join(imagesDir, kind), recipeFiles(kind), tag, { buildargs, labels: { 'baqup.e2e.kind': kind } });
}

const pending = new Map<ImageKind, Promise<string>>();

/** The tag of a ready image of `kind`, building it (and what it builds FROM) when its recipe's tag is missing. */
export function ensureImage(kind: ImageKind): Promise<string> {
  let p = pending.get(kind);
  if (!p) {
    p = buildIfMissing(kind);
    pending.set(kind, p);
    p.catch(() => pending.delete(kind));
  }
  return p;
}

async function buildIfMissing(kind: ImageKind): Promise<string> {
  const tag = imageTag(kind);
  if (await imageExists(tag)) return tag;
  const deps = DEPENDS[kind];
  const buildargs: Record<string, string> = {};
  for (const [arg, dep] of Object.entries(deps)) buildargs[arg] = await ensureImage(dep!);
  return withLock(tag.replace(/[/:]/g, '_'), async () => {
    if (await imageExists(tag)) return tag; // another process built it while we waited
    const started = Date.now();
    // One retry: builds fetch Debian packages over the network, where a transient failure is not a recipe bug.
    for (let attempt = 1; ; attempt++) {
      try {
        if (kind === 'base') await buildRootfsImage(rootfsRecipe(), tag);
        else await buildFromRecipe(kind, tag, buildargs);
        break;
      } catch (err) {
        if (attempt >= 2) throw err;
        console.warn(`e2e: building ${tag} failed, retrying once: ${(err as Error).message.split('\n')[0]}`);
      }
    }
    console.log(`e2e: built ${tag} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return tag;
  });
}

/** Builds several kinds, at most `concurrency` recipe builds at once (2 cores: apt and dpkg are the cost). */
export async function ensureImages(kinds: readonly ImageKind[], concurrency = 2): Promise<string[]> {
  // Shared dependencies first, so parallel builds do not all wait on one lock.
  if (kinds.some((k) => k !== 'base')) await ensureImage('base');
  const queue = [...kinds];
  const out = new Map<ImageKind, string>();
  const worker = async () => {
    for (let k = queue.shift(); k; k = queue.shift()) out.set(k, await ensureImage(k));
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
  return kinds.map((k) => out.get(k)!);
}
