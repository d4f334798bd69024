/** The rule registry: one import per file in rules/ (a test checks it matches the folder). */
import type { Rule } from '../src/rule.js';
import codeInjection from './code-injection.js';
import commandInjection from './command-injection.js';
import missingHelmet from './missing-helmet.js';
import pathTraversal from './path-traversal.js';

export const rules: Rule[] = [codeInjection, commandInjection, missingHelmet, pathTraversal];
