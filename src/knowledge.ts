/**
 * Project-specific taint knowledge from the config file: the project's own sources (calls whose
 * result is attacker data), sinks (extra SinkSpecs of a taint rule) and sanitizers (calls whose
 * result is safe for some rules).
 *
 * Module specifiers are compared in one canonical form: a package name as written (without
 * `node:`), or for a relative specifier the path relative to the scan root, without extension
 * and `/index`, starting with `./` or `../`. A config's relative specs are relative to the config
 * file; a scanned file's are relative to that file; both end up in the same form, so
 * `"./lib/validate"` in the config matches `require('../lib/validate.js')` in `src/app.js`.
 * Plain data (serialisable), so it can cross to worker threads.
 */
import path from 'node:path';
import type { ResolvedRef, SinkSpec } from './rule.js';
import type { NodesecConfig } from './config.js';
import { isRelativeSpec } from './analysis/resolve.js';
import { apiPath, normaliseModule } from './analysis/modules.js';
import type { ExtraModels } from './analysis/taint.js';

export interface ApiKey {
  /** Canonical module (see above). */
  module: string;
  /** Export path without `default` segments; [] for the module itself. */
  path: string[];
}

export interface TaintKnowledge {
  sources: Array<ApiKey & { label: string }>;
  sinks: Array<ApiKey & { rule: string; args: number[] | 'all'; label: string }>;
  sanitizers: Array<ApiKey & { rules: string[] }>;
}

const SOURCE_EXT = /\.(?:[cm]?[jt]s|[jt]sx)$/i;

/** Canonical form of `spec` written in a file whose folder is `fromDir` (root-relative posix, "" = root). */
export function canonicalModule(spec: string, fromDir: string): ResolvedRef {
  if (!isRelativeSpec(spec)) return normaliseModule(spec);
  let p = path.posix.normalize(path.posix.join(fromDir || '.', spec));
  p = p.replace(SOURCE_EXT, '').replace(/(^|\/)index$/, '').replace(/\/+$/, '');
  if (p === '' || p === '.') return { module: '.', path: [] };
  return { module: p.startsWith('../') || p === '..' ? p : `./${p}`, path: [] };
}

function exportPath(exp: string | undefined): string[] {
  return (exp ?? '').split('.').filter((s) => s && s !== 'default');
}

function keyOf(ref: ResolvedRef): string {
  return `${ref.module}\0${apiPath(ref).join('.')}`;
}

/** Build the knowledge for a scan rooted at `root` from a config file in `configDir`. */
export function knowledgeFromConfig(config: NodesecConfig, configDir: string, root: string): TaintKnowledge | undefined {
  if (!config.sources?.length && !config.sinks?.length && !config.sanitizers?.length) return undefined;
  const fromDir = path.relative(root, configDir).split(path.sep).join('/');
  const api = (module: string, exp: string | undefined): ApiKey => {
    const base = canonicalModule(module, fromDir);
    return { module: base.module, path: [...base.path, ...exportPath(exp)] };
  };
  const name = (k: ApiKey, module: string) => `${[module, ...k.path].join('.')}()`;
  return {
    sources: (config.sources ?? []).map((s) => {
      const k = api(s.module, s.export);
      return { ...k, label: s.label ?? `${k.path.length ? k.path.join('.') : s.module}() (configured source)` };
    }),
    sinks: (config.sinks ?? []).map((s) => {
      const k = api(s.module, s.export);
      return { ...k, rule: s.rule, args: s.args ?? [0], label: s.label ?? name(k, s.module) };
    }),
    sanitizers: (config.sanitizers ?? []).map((s) => ({ ...api(s.module, s.export), rules: [...s.for] })),
  };
}

/** The configured sinks of one rule, as SinkSpecs matched against canonical module names. */
export function sinkSpecsFor(k: TaintKnowledge | undefined, ruleId: string): SinkSpec[] {
  return (k?.sinks ?? [])
    .filter((s) => s.rule === ruleId)
    .map((s) => ({ modules: [s.module], paths: [s.path], args: s.args, label: s.label }));
}

/** The taint collector's hooks for one file (root-relative posix path). */
export function extraModelsFor(file: string, k: TaintKnowledge, maskForRule: (ruleId: string) => number): ExtraModels {
  const dir = path.posix.dirname(file);
  const fromDir = dir === '.' ? '' : dir;
  const calls = new Map<string, { source?: string; sanitizes?: number }>();
  for (const s of k.sanitizers) {
    const key = keyOf(s);
    const mask = s.rules.reduce((m, id) => m | maskForRule(id), 0);
    const old = calls.get(key);
    calls.set(key, { ...old, sanitizes: (old?.sanitizes ?? 0) | mask });
  }
  for (const s of k.sources) calls.set(keyOf(s), { source: s.label });
  const moduleKey = (spec: string): string => (isRelativeSpec(spec) ? canonicalModule(spec, fromDir).module : spec);
  return {
    moduleKey,
    call(ref) {
      if (!calls.size) return undefined;
      return calls.get(keyOf({ module: moduleKey(ref.module), path: ref.path }));
    },
  };
}
