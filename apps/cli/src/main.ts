#!/usr/bin/env node
// Placeholder entry until the first command lands.
console.error('baqup: no commands are built yet');
process.exit(2);
