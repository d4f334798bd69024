/**
 * Rule plugins: modules named in the config's "plugins" (a package name, or a path relative to
 * the config file's folder). A plugin default-exports a rule, an array of rules, or
 * `{ rules: [...] }` (a CommonJS `module.exports` of those works too). Plugin rules run in the
 * same single walk as the built-in rules and appear in every report and in `nodesec rules`.
 *
 * Each rule is validated (meta fields, id format, a behaviour, no id clash with a built-in or
 * another plugin rule); a problem is a PluginError naming the plugin, the rule and the field.
 * Plugins are code: only list plugins you trust, as you would a dependency.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Rule } from './rule.js';
import { SEVERITIES } from './rule.js';
import { isRelativeSpec } from './analysis/resolve.js';

export class PluginError extends Error {}

export const RULE_ID_FORMAT = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\/[a-z0-9]+(?:-[a-z0-9]+)*)?$/;
const PRECISIONS = ['very-high', 'high', 'medium', 'low'];

export interface LoadedPlugin {
  spec: string;
  file: string;
  rules: Rule[];
}

/** Where a plugin specifier points, resolved from `fromDir` (the config file's folder). */
export function resolvePlugin(spec: string, fromDir: string): string | undefined {
  if (isRelativeSpec(spec) || path.isAbsolute(spec)) {
    const abs = path.resolve(fromDir, spec);
    return existsSync(abs) ? abs : undefined;
  }
  try {
    return createRequire(path.join(fromDir, 'package.json')).resolve(spec);
  } catch {
    return resolveEsmPackage(spec, fromDir);
  }
}

/** An ESM-only package ("exports" with only an "import" condition), which require.resolve refuses. */
function resolveEsmPackage(spec: string, fromDir: string): string | undefined {
  const parts = spec.split('/');
  const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  const sub = '.' + spec.slice(name.length);
  for (let dir = path.resolve(fromDir); ; dir = path.dirname(dir)) {
    const pkgDir = path.join(dir, 'node_modules', name);
    const pj = path.join(pkgDir, 'package.json');
    if (existsSync(pj)) {
      try {
        const pkg = JSON.parse(readFileSync(pj, 'utf8'));
        let target: unknown = pkg.exports;
        if (target && typeof target === 'object' && !Array.isArray(target) && Object.keys(target).some((k) => k.startsWith('.'))) target = (target as any)[sub];
        else if (sub !== '.') target = undefined;
        for (let i = 0; i < 4 && target && typeof target === 'object' && !Array.isArray(target); i++) {
          const t = target as Record<string, unknown>;
          target = t.import ?? t.node ?? t.default;
        }
        if (typeof target !== 'string' && sub === '.') target = pkg.main ?? 'index.js';
        if (typeof target === 'string') {
          const f = path.resolve(pkgDir, target);
          if (existsSync(f)) return f;
        }
      } catch {
        /* unreadable package.json */
      }
      return undefined;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

export async function loadPlugins(specs: readonly string[], fromDir: string, builtins: readonly Rule[], configName: string): Promise<LoadedPlugin[]> {
  const taken = new Map<string, string>();
  for (const r of builtins) taken.set(r.meta.id, 'a built-in rule');
  taken.set('unused-suppression', 'the pseudo-rule of --report-unused-ignores');
  const out: LoadedPlugin[] = [];
  for (const spec of specs) {
    const file = resolvePlugin(spec, fromDir);
    const where = `${configName}: plugin "${spec}"`;
    if (!file) throw new PluginError(`${where} not found from ${fromDir}${isRelativeSpec(spec) ? '' : ' (is it installed?)'}`);
    let mod: any;
    try {
      mod = await import(pathToFileURL(file).href);
    } catch (e: any) {
      throw new PluginError(`${where} failed to load: ${String(e?.message ?? e).split('\n')[0]}`);
    }
    const rules = rulesOf(mod, where);
    rules.forEach((rule, i) => {
      validateRule(rule, `${where}: rule #${i + 1}`);
      const id = rule.meta.id;
      const other = taken.get(id);
      if (other) throw new PluginError(`${where}: rule id "${id}" is already used by ${other}; give it another id (e.g. "acme/${id.replace(/^.*\//, '')}")`);
      taken.set(id, `plugin "${spec}"`);
    });
    out.push({ spec, file, rules });
  }
  return out;
}

function rulesOf(mod: any, where: string): Rule[] {
  let v = mod?.default !== undefined ? mod.default : mod;
  // CommonJS through ESM interop: { default: module.exports }
  if (v && !Array.isArray(v) && !v.meta && !v.rules && Array.isArray(mod?.rules)) v = mod;
  if (Array.isArray(v)) return v;
  if (v && typeof v === 'object' && v.meta) return [v];
  if (v && typeof v === 'object' && Array.isArray(v.rules)) return v.rules;
  throw new PluginError(`${where} must default-export a rule, an array of rules, or { rules: [...] }`);
}

/** Checks a rule's shape; throws a PluginError naming `where` and the field. */
export function validateRule(rule: unknown, where: string): asserts rule is Rule {
  const fail = (what: string): never => {
    throw new PluginError(`${where}: ${what}`);
  };
  if (!rule || typeof rule !== 'object') fail('must be an object with "meta" (use defineRule from "nodesec")');
  const r = rule as Record<string, any>;
  const m = r.meta;
  if (!m || typeof m !== 'object') fail('"meta" is missing');
  if (typeof m.id !== 'string' || !RULE_ID_FORMAT.test(m.id))
    fail(`meta.id must be kebab-case, optionally with a scope: "no-eval", "acme/no-eval" (got ${JSON.stringify(m.id)})`);
  const w = `${where} ("${m.id}")`;
  const bad = (what: string): never => {
    throw new PluginError(`${w}: ${what}`);
  };
  for (const k of ['name', 'description', 'help'] as const) if (typeof m[k] !== 'string' || !m[k].trim()) bad(`meta.${k} must be a non-empty string`);
  if (!(SEVERITIES as readonly string[]).includes(m.severity)) bad(`meta.severity must be one of ${SEVERITIES.join(', ')} (got ${JSON.stringify(m.severity)})`);
  if (!PRECISIONS.includes(m.precision)) bad(`meta.precision must be one of ${PRECISIONS.join(', ')} (got ${JSON.stringify(m.precision)})`);
  if (!Array.isArray(m.cwe) || !m.cwe.every((c: unknown) => typeof c === 'string')) bad('meta.cwe must be an array of strings such as ["CWE-89"]');
  for (const k of ['owasp', 'references'] as const)
    if (m[k] !== undefined && (!Array.isArray(m[k]) || !m[k].every((c: unknown) => typeof c === 'string'))) bad(`meta.${k} must be an array of strings`);
  const hasSinks = Array.isArray(r.sinks) && r.sinks.length > 0;
  const hasWrites = Array.isArray(r.writeSinks) && r.writeSinks.length > 0;
  const hasCreate = typeof r.create === 'function';
  const hasProject = !!r.project && typeof r.project.collect === 'function' && typeof r.project.check === 'function';
  const hasText = typeof r.checkText === 'function' && typeof r.wantsTextFile === 'function';
  if (r.sinks !== undefined && !Array.isArray(r.sinks)) bad('"sinks" must be an array of sink specs');
  if (r.create !== undefined && typeof r.create !== 'function') bad('"create" must be a function returning visitors');
  if (r.project !== undefined && !hasProject) bad('"project" must have collect() and check() functions');
  if ((r.checkText !== undefined || r.wantsTextFile !== undefined) && !hasText) bad('"checkText" and "wantsTextFile" must both be functions');
  if (!hasSinks && !hasWrites && !hasCreate && !hasProject && !hasText) bad('needs a behaviour: "sinks", "writeSinks", "create", "project" or "checkText"');
  (r.sinks ?? []).forEach((s: any, i: number) => {
    const k = `sinks[${i}]`;
    if (!s || typeof s !== 'object') bad(`${k} must be an object`);
    if (!Array.isArray(s.modules) || !s.modules.every((x: unknown) => typeof x === 'string')) bad(`${k}.modules must be an array of module names`);
    if (!Array.isArray(s.paths) || !s.paths.every((p: unknown) => Array.isArray(p) && p.every((x) => typeof x === 'string')))
      bad(`${k}.paths must be an array of export paths such as [["query"]]`);
    if (s.args !== 'all' && !(Array.isArray(s.args) && s.args.every((n: unknown) => Number.isInteger(n) && (n as number) >= 0)))
      bad(`${k}.args must be "all" or an array of argument indexes`);
    if (typeof s.label !== 'string' || !s.label) bad(`${k}.label must be a non-empty string`);
  });
}
