#!/usr/bin/env node
// Thin shim: hand over to the built CLI. `#cli` resolves to dist/cli/main.js, or to the
// TypeScript sources under the `devito-ts-source` condition (the repository's own tests).
// A closed pipe (`devito-ts compile x.ts --print | head`) ends the output, not with a crash.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
const { main } = await import('#cli');
process.exitCode = await main(process.argv);
