#!/usr/bin/env node
// `nodesec --version` answers without loading the CLI; everything else loads it.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  const { readFileSync } = await import('node:fs');
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  // The compile cache (Node >= 22.1) must be on before the CLI's modules are loaded to cover them.
  const { default: module } = await import('node:module');
  try {
    module.enableCompileCache?.();
  } catch {
    /* not available: start-up compiles as usual */
  }
  // Short runs are faster without V8's optimising compiler; the scan turns it on when it has real work (optimizer.ts).
  (await import('../dist/src/optimizer.js')).pauseOptimizer();
  await import('../dist/src/cli.js');
}
