// Fails the image build when the history's native module does not load in /app: better-sqlite3 is resolved the way
// the controller resolves it (from @baqup/history) and opens an in-memory database.
// From its real path, as the controller's import does: pnpm does not hoist better-sqlite3 beside the @baqup/history link.
const { realpathSync } = require('node:fs');
const { createRequire } = require('node:module');
const load = createRequire(realpathSync('/app/node_modules/@baqup/history/package.json'));
const Database = load('better-sqlite3');
const db = new Database(':memory:');
const { v } = db.prepare('SELECT sqlite_version() AS v').get();
db.close();
console.log(`better-sqlite3 loads; SQLite ${v}`);
