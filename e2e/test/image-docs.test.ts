// The generated references (docs/labels.md, docs/config.md) match what the code says now: scripts/gen-docs.mjs
// re-derives them from core's label tables, value parsers and JSON Schema, and --check fails on any difference.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TARGET_PROPERTIES, TARGET_TYPES } from '@baqup/core';
import { repoRoot } from '../src/paths.js';

const gen = (...args: string[]) => spawnSync(process.execPath, [join(repoRoot, 'scripts/gen-docs.mjs'), ...args], { encoding: 'utf8' });
const tmp = mkdtempSync(join(tmpdir(), 'baqup-gen-docs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('generated docs', () => {
  it('docs/labels.md and docs/config.md are what scripts/gen-docs.mjs derives from the code', () => {
    const r = gen('--check');
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('--check fails, naming the file, when a committed reference differs', () => {
    for (const f of ['labels.md', 'config.md']) copyFileSync(join(repoRoot, 'docs', f), join(tmp, f));
    writeFileSync(join(tmp, 'config.md'), readFileSync(join(tmp, 'config.md'), 'utf8').replace('`concurrency`', '`parallelism`'));
    const r = gen('--check', '--out', tmp);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(join(tmp, 'config.md'));
    expect(r.stderr).not.toContain(join(tmp, 'labels.md'));
  });

  it('the label reference lists every target type and property the parser accepts', () => {
    const labels = readFileSync(join(repoRoot, 'docs/labels.md'), 'utf8');
    for (const type of TARGET_TYPES) {
      expect(labels).toContain(`| \`${type}\` |`);
      for (const p of TARGET_PROPERTIES[type]) expect(labels).toContain(`| \`${p}\` |`);
    }
  });
});
