// Preloaded by test/cache.test.ts (NODE_OPTIONS=--require): says on stderr whether the TypeScript
// parser was loaded by the time the process exits.
process.on('exit', () => {
  const loaded = Object.keys(require.cache).some((k) => k.includes(`${require('node:path').sep}typescript${require('node:path').sep}`));
  process.stderr.write(`parser loaded: ${loaded}\n`);
});
