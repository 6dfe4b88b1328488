// Docker through its CLI (no dependency): picking the e2e harness images, starting labelled bench containers with
// network none, exec'ing setup commands, removing what a bench created.
import { sh } from './shell.mjs';

/** The newest local tag of `repo` (e.g. baqup-e2e/postgres); the e2e harness builds them (`cd e2e && npx vitest run`). */
export async function newestTag(repo) {
  const out = await sh(['docker', 'images', repo, '--format', '{{.CreatedAt}}\t{{.Repository}}:{{.Tag}}']);
  const rows = out
    .split('\n')
    .filter((l) => l.trim() && !l.endsWith(':<none>'))
    .sort()
    .reverse();
  if (rows.length === 0) throw new Error(`no image ${repo}:*; build the e2e images first (cd e2e && npx vitest run test/harness.test.ts) or pass --image`);
  return rows[0].split('\t')[1];
}

/** `docker run -d` with network none; labels/env/binds as objects and arrays. Returns the container id. */
export async function run({ name, image, labels = {}, env = {}, binds = [], cmd = [], extra = [] }) {
  const args = ['docker', 'run', '-d', '--name', name, '--network', 'none'];
  for (const [k, v] of Object.entries(labels)) args.push('--label', `${k}=${v}`);
  // Values travel in our environment, not in argv (`-e NAME` copies NAME from the docker CLI's environment).
  for (const k of Object.keys(env)) args.push('-e', k);
  for (const b of binds) args.push('-v', b);
  args.push(...extra, image, ...cmd);
  return (await sh(args, { env })).trim();
}

/** Exec a command in a container as it is (no shell on our side); resolves with stdout. */
export function exec(container, argv, { env = {}, input, user, quiet } = {}) {
  const args = ['docker', 'exec', ...(input === undefined ? [] : ['-i']), ...(user ? ['-u', user] : [])];
  for (const k of Object.keys(env)) args.push('-e', k);
  return sh([...args, container, ...argv], { env, input, quiet });
}

/** Force-removes containers (and anonymous volumes); missing ones are fine. */
export async function remove(...names) {
  for (const n of names) await sh(['docker', 'rm', '-f', '-v', n], { quiet: true }).catch(() => undefined);
}

/** Polls `probe` until it resolves truthy (errors count as not yet). */
export async function until(probe, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
