// Writes the published JSON Schema from its TypeScript source (src/config/schema.ts, via dist).
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CONFIG_SCHEMA } from '../dist/config/schema.js';

const out = fileURLToPath(new globalThis.URL('../schema/config.schema.json', import.meta.url));
writeFileSync(out, `${JSON.stringify(CONFIG_SCHEMA, null, 2)}\n`);
