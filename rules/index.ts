/** The rule registry: one import per file in rules/ (a test checks it matches the folder). */
import type { Rule } from '../src/rule.js';
import codeInjection from './code-injection.js';
import commandInjection from './command-injection.js';
import hardcodedSecret from './hardcoded-secret.js';
import missingHelmet from './missing-helmet.js';
import pathTraversal from './path-traversal.js';
import prototypePollution from './prototype-pollution.js';

export const rules: Rule[] = [codeInjection, commandInjection, hardcodedSecret, missingHelmet, pathTraversal, prototypePollution];
