// Shared test config. Tests run from source: every @baqup/<pkg> import resolves to packages/<pkg>/src,
// so no build step sits between an edit and a test run (as tRPC's root config does).
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sourceAliases() {
  const aliases = [];
  for (const dir of ['packages', 'apps']) {
    const base = join(root, dir);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base)) {
      const entry = join(base, name, 'src', 'index.ts');
      if (existsSync(entry)) aliases.push({ find: new RegExp(`^@baqup/${name}$`), replacement: entry });
      // A package's test doubles for other packages' tests (`@baqup/<name>/testing`).
      const testing = join(base, name, 'src', 'testing.ts');
      if (existsSync(testing)) aliases.push({ find: new RegExp(`^@baqup/${name}/testing$`), replacement: testing });
    }
  }
  return aliases;
}

/** Base config for unit tests of a package; `overrides.test` is merged into `test`. */
export function unitConfig(overrides = {}) {
  return {
    resolve: { alias: sourceAliases() },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      passWithNoTests: true,
      testTimeout: 30_000,
      // A JSON report per package lets scripts/test-all.mjs print one closing summary line.
      reporters: ['default', 'json'],
      outputFile: { json: join(root, '.test-results', `${basename(process.cwd())}.json`) },
      ...overrides.test,
    },
  };
}

export const repoRoot = root;
export default unitConfig();
