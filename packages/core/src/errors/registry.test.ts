// The registry is the only place a `BAQUP_…` code is spelled out: everything else names a code through its class
// (`new DumpFailedError(…)`, `StageDiskFullError.code`). This test reads the workspace's sources to hold that.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as core from '../index.js';
import { BaqupError, errorRegistry, isErrorCode } from './base.js';
import { DumpFailedError, ProcessFailedError } from './index.js';

const root = join(import.meta.dirname, '../../../..');
const registryDir = join('packages', 'core', 'src', 'errors') + sep;
/** `BAQUP_*` names that are environment variables, not error codes (the e2e suite's own are `BAQUP_E2E_*`). */
const ENV_VARS = new Set([
  'BAQUP_API_LISTEN', 'BAQUP_API_TOKEN', 'BAQUP_API_URL', 'BAQUP_CONFIG', 'BAQUP_DATA_DIR', 'BAQUP_EXEC_TOKEN',
  'BAQUP_HOSTNAME', 'BAQUP_REMOTE', 'BAQUP_SHUTDOWN_GRACE_MS', 'BAQUP_SHUTDOWN_HOLD_GRACE_MS', 'BAQUP_STALE_CHECK_MS', 'BAQUP_TEST_LEAK',
  // What a target's post_exec finds in its environment (docs/notifications.md).
  'BAQUP_RESULT', 'BAQUP_ERROR_CODE', 'BAQUP_ERROR_MESSAGE', 'BAQUP_BYTES', 'BAQUP_DURATION_MS', 'BAQUP_FILE', 'BAQUP_CONTAINER',
  'BAQUP_TARGET', 'BAQUP_SCHEDULE', 'BAQUP_TRIGGER', 'BAQUP_JOB_ID',
]);
// …and every variable config/environment.ts documents.
const isEnvVar = (name: string): boolean => ENV_VARS.has(name) || name.startsWith('BAQUP_E2E_') || [...core.ENV_CONFIG_KEYS, ...core.ENV_VARIABLES].some((v) => v.name === name);
/** Made-up codes tests use to show arbitrary codes pass through unchanged. */
const TEST_ONLY = new Set(['BAQUP_X']);
const LITERAL = /['"`](BAQUP_[A-Z0-9_]+)['"`]/g;
const SKIP = new Set(['node_modules', 'dist', '.turbo', 'coverage', '.test-results']);

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (/\.(ts|tsx|mjs|js)$/.test(name)) out.push(path);
  }
  return out;
}

const files = ['packages', 'apps', 'e2e', 'scripts', 'bench']
  .flatMap((d) => {
    try {
      return sources(join(root, d));
    } catch {
      return [];
    }
  })
  .map((path) => ({ rel: relative(root, path), text: readFileSync(path, 'utf8') }));
const isTest = (rel: string): boolean => /\.test\.ts$|__fixtures__|^e2e[/\\]/.test(rel);
const literals = (text: string): string[] => [...text.matchAll(LITERAL)].map((m) => m[1]!);

describe('error registry', () => {
  it('holds every code once, each with its class name, area and one "thrown when" sentence', () => {
    const all = errorRegistry();
    expect(all.length).toBeGreaterThan(50);
    expect(new Set(all.map((e) => e.code)).size).toBe(all.length);
    for (const e of all) {
      expect(e.code).toMatch(/^BAQUP_[A-Z]+(_[A-Z]+)*$/);
      expect(e.when, e.code).toMatch(/\.$/);
      expect(e.when.split(/\. [A-Z]/).length, `${e.code}: one sentence`).toBe(1);
      // The class is exported under its own name and constructs errors with its code.
      expect(typeof (core as Record<string, unknown>)[e.name], e.name).toBe('function');
      expect(((core as Record<string, unknown>)[e.name] as { code: string }).code).toBe(e.code);
    }
  });

  it('gives instances the code, the default retryable flag, a class name and non-enumerable context', () => {
    const err = new DumpFailedError('pg_dump exited with code 1', { context: { inspect: { huge: true } } });
    expect(err).toBeInstanceOf(BaqupError);
    expect(err).toMatchObject({ name: 'DumpFailedError', code: 'BAQUP_DUMP_FAILED', retryable: false });
    expect(Object.keys(err)).not.toContain('context');
    expect(JSON.stringify(err)).not.toContain('huge');
    expect(new ProcessFailedError('zstd', 1, null, 'boom').message).toBe('zstd exited with code 1: boom');
  });

  it('is the only place a code string is written (tests aside)', () => {
    const minted = files
      .filter((f) => !f.rel.startsWith(registryDir) && !isTest(f.rel))
      .flatMap((f) => literals(f.text).filter((code) => !isEnvVar(code)).map((code) => `${f.rel}: ${code}`));
    expect(minted, 'use the code\'s class from @baqup/core (new XError(…), XError.code) instead').toEqual([]);
  });

  it('knows every code a test, the e2e suite or the docs assert', () => {
    const docs = ['docs', '.'].flatMap((d) =>
      readdirSync(join(root, d))
        .filter((n) => n.endsWith('.md'))
        .map((n) => readFileSync(join(root, d, n), 'utf8')),
    );
    const asserted = [
      ...files.filter((f) => isTest(f.rel)).flatMap((f) => literals(f.text)),
      ...docs.flatMap((text) => [...text.matchAll(/`(BAQUP_[A-Z0-9_]+)`/g)].map((m) => m[1]!)),
    ].filter((code) => !isEnvVar(code) && !TEST_ONLY.has(code));
    expect([...new Set(asserted.filter((code) => !isErrorCode(code)))]).toEqual([]);
  });
});
