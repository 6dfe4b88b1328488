// The example docker-compose.yml passes `baqup lint --compose` (the built CLI), and its labels mean what its
// comments say: a postgres target with 14 daily backups and an fs target of /data, stopped, on the weekly schedule.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../src/paths.js';

const lint = (...args: string[]) =>
  spawnSync(process.execPath, [join(repoRoot, 'apps/cli/dist/main.js'), 'lint', '--compose', join(repoRoot, 'docker-compose.yml'), ...args], {
    encoding: 'utf8',
    // As the README's set-up has it: the .env it writes first sets the password the file requires (${VAR:?}).
    env: { ...process.env, BAQUP_CONFIG: '', GITEA_DB_PASSWORD: 'lint-only' },
  });

describe('docker-compose.yml', () => {
  it('passes baqup lint with both example services and no label errors', () => {
    const r = lint('--json');
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    const report = JSON.parse(r.stdout) as { rows: Array<Record<string, unknown>>; errors: unknown[] };
    expect(report.errors).toEqual([]);
    const text = lint().stdout;
    expect(text).toMatch(/gitea-db\n\s+postgres-main\s+postgres databases=all\s+daily .*retention 14/);
    expect(text).toMatch(/gitea\s+\(stopped during backup\)\n\s+fs-data\s+fs path=\/data\s+weekly/);
  });
});
