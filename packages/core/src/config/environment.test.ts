// Config keys from the environment (file > environment > default), and a scan of the whole code base: every
// environment variable any code reads is documented in docs/config.md, and every documented one is read.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.js';
import { ENV_CONFIG_KEYS, ENV_VARIABLES } from './environment.js';
import { resolveConfig } from './resolve.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

function problemsOf(raw: unknown, env: Record<string, string>): string[] {
  try {
    resolveConfig(raw, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('config from the environment', () => {
  it('fills the keys the file leaves unset: remote, notification URLs (split on whitespace), API', () => {
    const c = resolveConfig({}, {
      BAQUP_DATA_DIR: '/d',
      BAQUP_REMOTE: 'b2:bucket/baqup',
      BAQUP_NOTIFY_ON_FAILURE: 'ntfy://ntfy.sh/a?tags=x,y\n  ntfy://ntfy.sh/b ',
      BAQUP_NOTIFY_ON_SUCCESS: 'ntfy://ntfy.sh/ok',
      BAQUP_NOTIFY_CLICK_URL: 'https://grafana.example/d/baqup',
      BAQUP_API_LISTEN: '0.0.0.0:9090',
      BAQUP_API_TOKEN: 'tok-from-env',
    });
    expect(c.upload.remote).toBe('b2:bucket/baqup');
    expect(c.notifications.on_failure).toEqual(['ntfy://ntfy.sh/a?tags=x,y', 'ntfy://ntfy.sh/b']);
    expect(c.notifications.on_success).toEqual(['ntfy://ntfy.sh/ok']);
    expect(c.notifications.click_url).toBe('https://grafana.example/d/baqup');
    expect(c.api.listen).toBe('0.0.0.0:9090');
    expect(c.api.token?.reveal()).toBe('tok-from-env');
    expect(String(c.api.token)).not.toContain('tok-from-env');
  });

  it('the file wins over the environment, and an empty variable counts as unset', () => {
    const c = resolveConfig({ upload: { remote: '/from/file' }, notifications: { on_failure: [] }, api: { token_file: '/run/token' } }, { BAQUP_REMOTE: '/from/env', BAQUP_NOTIFY_ON_FAILURE: 'ntfy://ntfy.sh/a', BAQUP_API_TOKEN: 'x', BAQUP_API_LISTEN: '  ' });
    expect(c.upload.remote).toBe('/from/file');
    expect(c.notifications.on_failure).toEqual([]);
    expect(c.api.token).toBeUndefined();
    expect(c.api.listen).toBe('127.0.0.1:8080');
  });

  it("restic from restic's own variables; the password file is preferred, a password in the file is kept", () => {
    const env = { BAQUP_UPLOAD_BACKEND: 'restic', RESTIC_REPOSITORY: '/srv/restic', RESTIC_PASSWORD_FILE: '/run/pw', RESTIC_PASSWORD: 'pw-env' };
    const c = resolveConfig({}, env);
    expect(c.upload.backend).toBe('restic');
    expect(c.upload.restic).toMatchObject({ repository: '/srv/restic', password_file: '/run/pw' });
    expect(c.upload.restic.password).toBeUndefined();
    const onlyPassword = resolveConfig({ upload: { backend: 'restic' } }, { RESTIC_REPOSITORY: 'rclone:b2:x', RESTIC_PASSWORD: 'pw-env' });
    expect(onlyPassword.upload.restic.password?.reveal()).toBe('pw-env');
    const fromFile = resolveConfig({ upload: { backend: 'restic', restic: { repository: '/r', password: 'pw-file' } } }, { RESTIC_PASSWORD_FILE: '/run/pw' });
    expect(fromFile.upload.restic.password?.reveal()).toBe('pw-file');
    expect(fromFile.upload.restic.password_file).toBeUndefined();
  });

  it('a bad value from the environment is reported with the variable that set it', () => {
    const problems = problemsOf({}, { BAQUP_UPLOAD_BACKEND: 'tape', BAQUP_API_LISTEN: '' });
    expect(problems.some((p) => p.startsWith('/upload/backend:') && p.endsWith('(set from $BAQUP_UPLOAD_BACKEND)'))).toBe(true);
    // restic chosen from the environment without a repository: the problem is about the file's key, as before.
    expect(problemsOf({}, { BAQUP_UPLOAD_BACKEND: 'restic' }).some((p) => p.startsWith('/upload/restic/repository: is required'))).toBe(true);
  });
});

// ---------- every variable read is documented

const SKIP_DIRS = new Set(['node_modules', 'dist', '.turbo', '__fixtures__']);
function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(ts|mjs|js)$/.test(name) && !/\.test\.ts$/.test(name)) out.push(p);
  }
  return out;
}

/** `process.env.X`, `env.X`, `env['X']`, `options.env.X`, and `env[v.name]`-style reads of the lists themselves. */
function readsIn(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/\b(?:process\.)?env\??\.([A-Z][A-Z0-9_]*)\b/g)) names.add(m[1]!);
  for (const m of text.matchAll(/\benv\??\.?\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\]/g)) names.add(m[1]!);
  return [...names];
}

/** `${X…}` and `$X` in the image's shell scripts, its built-in config and the Dockerfile's ENV. */
function imageReads(): string[] {
  const names = new Set<string>();
  const docker = join(root, 'docker');
  for (const f of readdirSync(docker)) {
    if (!/^(baqup|baqup-entrypoint|env\.sh|baqup\.yml)$/.test(f)) continue;
    for (const m of readFileSync(join(docker, f), 'utf8').matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)) names.add(m[1]!);
  }
  const env = /^ENV ((?:.*\\\n)*.*)$/m.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'));
  for (const m of (env?.[1] ?? '').matchAll(/([A-Z][A-Z0-9_]*)=/g)) names.add(m[1]!);
  return [...names];
}

/** The variables post_exec finds in its environment (set for the child, documented in docs/labels.md). */
const POST_EXEC_ENV = ['BAQUP_RESULT', 'BAQUP_ERROR_CODE', 'BAQUP_ERROR_MESSAGE', 'BAQUP_BYTES', 'BAQUP_DURATION_MS', 'BAQUP_FILE', 'BAQUP_CONTAINER', 'BAQUP_TARGET', 'BAQUP_SCHEDULE', 'BAQUP_TRIGGER', 'BAQUP_JOB_ID'];

/**
 * Variables that are set for children, not read: the exec marker (docker), restic's own (restic-exec), post_exec's,
 * and the password the mongo count script reads inside the target's mongosh (dump checks, never in its argv).
 */
const SET_NOT_READ = new Set(['BAQUP_EXEC_TOKEN', 'RESTIC_CACHE_DIR', 'NODE_ENV', 'MONGO_CHECK_PASSWORD', ...POST_EXEC_ENV]);

describe('environment variables in docs/config.md', () => {
  const docs = readFileSync(join(root, 'docs/config.md'), 'utf8');
  const section = docs.slice(docs.indexOf('## Environment'));
  const documented = new Set([...section.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]!));
  const code = ['apps', 'packages'].flatMap((d) => readdirSync(join(root, d)).map((p) => join(root, d, p, 'src'))).filter((p) => { try { return statSync(p).isDirectory(); } catch { return false; } });
  const files = [...code.flatMap((d) => sources(d)), join(root, 'scripts/ensure-tools.mjs')];
  const read = new Set([...files.flatMap((f) => readsIn(readFileSync(f, 'utf8'))), ...imageReads()].filter((n) => !SET_NOT_READ.has(n)));

  it('scans real reads (the scan finds the ones we know of)', () => {
    expect(files.length).toBeGreaterThan(100);
    for (const known of ['BAQUP_STALE_CHECK_MS', 'BAQUP_API_TOKEN', 'BAQUP_SHUTDOWN_GRACE_MS', 'DOCKER_HOST', 'LOG_LEVEL', 'NO_COLOR', 'BAQUP_REMOTE', 'HOME']) expect(read).toContain(known);
    expect(readsIn("x = process.env.FOO_BAR; y = env['BAZ']; z = options.env.QUX ?? 1")).toEqual(['FOO_BAR', 'QUX', 'BAZ']);
  });

  it('documents every variable the code or the image reads', () => {
    expect([...read].filter((n) => !documented.has(n)).sort()).toEqual([]);
  });

  it('documents exactly the generated lists (run node scripts/gen-docs.mjs after changing them)', () => {
    expect([...documented].sort()).toEqual([...new Set([...ENV_CONFIG_KEYS, ...ENV_VARIABLES].map((v) => v.name))].sort());
  });

  it('reads every variable it documents as read directly', () => {
    expect(ENV_VARIABLES.map((v) => v.name).filter((n) => !read.has(n))).toEqual([]);
  });
});

describe("post_exec's environment in docs/labels.md", () => {
  it('names every variable post_exec is given, and no other', () => {
    const labels = readFileSync(join(root, 'docs/labels.md'), 'utf8');
    const row = labels.split('\n').find((l) => l.startsWith('| `post_exec` |')) ?? '';
    expect([...row.matchAll(/`(BAQUP_[A-Z_]+)`/g)].map((m) => m[1]).sort()).toEqual([...POST_EXEC_ENV].sort());
    const code = readFileSync(join(root, 'packages/dump/src/post-exec.ts'), 'utf8');
    expect([...new Set([...code.matchAll(/\b(BAQUP_[A-Z_]+)\b/g)].map((m) => m[1]))].sort()).toEqual([...POST_EXEC_ENV].sort());
  });
});
