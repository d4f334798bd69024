import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** package.json of the installed nodesec (dist/src/version.js -> ../../package.json). */
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string; homepage?: string };

export const TOOL = {
  name: 'nodesec',
  version: pkg.version,
  informationUri: pkg.homepage ?? 'https://github.com/nodesec/nodesec',
};

/**
 * nodesec's own cache folder, `.cache/` beside its package.json: the parser's code cache and the
 * installation secret of the results cache. Never in a scanned project.
 */
export const OWN_CACHE_DIR = fileURLToPath(new URL('../../.cache/', import.meta.url));
