// The dashboard's first load, gzipped: every built asset's size, and the JavaScript against its budget (issue 16:
// under 250 KB). Run by `build` after vite; exits 1 when the budget is exceeded, so a heavy dependency is noticed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_JS = Number(process.env.BAQUP_DASHBOARD_JS_BUDGET_KB ?? 250) * 1024;
const dir = join(import.meta.dirname, '..', 'dist', 'assets');
let js = 0;
let total = 0;
const lines = [];
for (const name of readdirSync(dir).sort()) {
  const raw = readFileSync(join(dir, name));
  const gz = gzipSync(raw, { level: 9 }).length;
  total += gz;
  if (name.endsWith('.js')) js += gz;
  lines.push(`  ${name}: ${(raw.length / 1024).toFixed(1)} KB, ${(gz / 1024).toFixed(1)} KB gzipped`);
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`dashboard first load: ${kb(js)} of JavaScript gzipped (budget ${kb(BUDGET_JS)}), ${kb(total)} in all\n${lines.join('\n')}`);
if (js > BUDGET_JS) {
  console.error(`dashboard: the JavaScript is ${kb(js)} gzipped, over the budget of ${kb(BUDGET_JS)}`);
  process.exit(1);
}
