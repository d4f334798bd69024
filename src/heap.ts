/**
 * Asking V8 for a full garbage collection around a very large file. Parsing a large bundle builds
 * two syntax trees of a hundred MB or more (TypeScript's, then the ESTree converted from it); V8
 * raises its heap limit to match and lets garbage pile up to it for the rest of the scan, so the
 * peak memory is set by the one largest file plus everything allocated after it. One collection
 * once the file is parsed frees TypeScript's tree before the analysis allocates; one once the file
 * is done brings the limit back to what is live. Each costs about 0.2 s (the kept facts of a large
 * corpus), against seconds to parse and analyse such a file.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

/** A file of at least this many characters gets a full collection after its parse and after its analysis. */
export const COLLECT_AFTER_CHARS = 512 * 1024;

let gc: (() => void) | null | undefined;

/** A full garbage collection, where the runtime lets us ask for one; else nothing. */
export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}
