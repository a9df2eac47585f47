#!/usr/bin/env node
// Thin shim: hand over to the built CLI. `#cli` resolves to dist/cli/main.js, or to the
// TypeScript sources under the `development` condition (the repository's own tests).
const { main } = await import('#cli');
process.exitCode = await main(process.argv);
