#!/usr/bin/env node
// Thin shim: load TypeScript sources through tsx, then hand over to the CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
