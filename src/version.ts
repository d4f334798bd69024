import { readFileSync } from 'node:fs';

/** package.json of the installed nodesec (dist/src/version.js -> ../../package.json). */
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string; homepage?: string };

export const TOOL = {
  name: 'nodesec',
  version: pkg.version,
  informationUri: pkg.homepage ?? 'https://github.com/nodesec/nodesec',
};
