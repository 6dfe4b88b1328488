#!/usr/bin/env node
// `baqup`: the command line. The grammar is in program.ts; each command's body in commands/<name>.ts.
import { runCli } from './program.js';

runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`baqup: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
