#!/usr/bin/env node
// The compile cache (Node >= 22.1) must be on before the CLI's modules are loaded to cover them.
import module from 'node:module';

try {
  module.enableCompileCache?.();
} catch {
  /* not available: start-up compiles as usual */
}
await import('../dist/src/cli.js');
