/**
 * The command line: `nodesec scan [paths...]`, `nodesec rules`. Config file + flags -> options
 * (flags win), plugins, baseline, picks the reporter, sets the exit code: 0 nothing at or above
 * --fail-on, 1 findings at or above it, 2 usage, config or internal error (one line on stderr, no
 * stack trace).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { Rule, Severity, ThreatModel } from './rule.js';
import { SEVERITIES } from './rule.js';
import { TOOL } from './version.js';
import type { LoadedConfig } from './config.js';
import type { Progress } from './progress.js';
import { loadReporter, REPORT_FORMATS } from './reporters/formats.js';
import type { ReportFormat } from './reporters/formats.js';

const moduleApi = (globalThis as any).process?.versions && (await import('node:module'));
try {
  (moduleApi as any)?.enableCompileCache?.();
} catch {
  /* older Node: no compile cache */
}

let progress: Progress | undefined;

/** From this many files on, the heap is kept close to its live size (see tuneHeap). */
const LARGE_SCAN_FILES = 300;

function fail(message: string): never {
  progress?.stop();
  process.stderr.write(`nodesec: ${message}\n`);
  process.exit(2);
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number');
  return n;
}

async function loadRules(): Promise<Rule[]> {
  const { rules } = await import('../rules/index.js');
  return rules;
}

/**
 * A promise started now and awaited later: Node reads module files asynchronously, so modules
 * loaded side by side overlap their reads with compiling each other. The promise is marked as
 * handled so an early failure is reported where it is awaited, not as an unhandled rejection.
 */
function quietly<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/** Known errors of the config, plugin and baseline modules become one-line exit-2 messages. */
async function guarded<T>(f: () => Promise<T> | T): Promise<T> {
  try {
    return await f();
  } catch (e: any) {
    const name = e?.constructor?.name;
    if (name === 'ConfigError' || name === 'PluginError' || name === 'BaselineError' || name === 'UsageError') fail(e.message);
    throw e;
  }
}

/** The config (--config, or found from `root` upward), the built-in and plugin rules, all validated. */
async function loadSetup(
  configFlag: string | undefined,
  root: string,
  allowPlugins: boolean,
  quiet = false,
): Promise<{ config?: LoadedConfig; all: Rule[]; builtins: Rule[] }> {
  const rulesLoading = quietly(loadRules()); // side by side with the config (see `quietly`)
  const { findConfig, loadConfigFile, checkRuleReferences } = await import('./config.js');
  const config = await guarded(() => (configFlag ? loadConfigFile(configFlag) : findConfig(root)));
  const builtins = await rulesLoading;
  let all = builtins;
  // Plugins are code, and a config found in the scanned folder belongs to whoever wrote that code:
  // they run only when the user says so, never because a scanned repository asks for it.
  const pluginsHeld = !!config?.config.plugins?.length && !allowPlugins;
  if (pluginsHeld && !quiet) {
    const n = config!.config.plugins!.length;
    process.stderr.write(`nodesec: ${config!.name} lists ${n} plugin${n === 1 ? '' : 's'}, not loaded: plugins are code and run only with --allow-plugins\n`);
  }
  if (config?.config.plugins?.length && allowPlugins) {
    const { loadPlugins } = await import('./plugins.js');
    const plugins = await guarded(() => loadPlugins(config.config.plugins!, config.dir, builtins, config.name));
    all = [...builtins, ...plugins.flatMap((p) => p.rules)];
  }
  if (config) {
    const c = config.config;
    const isTaint = (r: Rule) => !!(r.sinks?.length || r.writeSinks?.length);
    let sanitizable: string[] = [];
    if (c.sanitizers?.length) {
      const { maskForRule } = await import('./engine.js');
      sanitizable = all.filter((r) => isTaint(r) && maskForRule(r.meta.id) !== 0).map((r) => r.meta.id);
    }
    await guarded(() =>
      checkRuleReferences(config, { all: all.map((r) => r.meta.id), taint: all.filter(isTaint).map((r) => r.meta.id), sanitizable, pluginsHeld }),
    );
  }
  return { config, all, builtins };
}

/**
 * missing-helmet with the project's own header middleware from the config
 * (`rules["missing-helmet"].headerMiddleware`); paths in the config are relative to its folder.
 */
async function withHeaderMiddleware(rules: Rule[], config: LoadedConfig | undefined, root: string): Promise<Rule[]> {
  const extra = config?.config.rules?.['missing-helmet']?.headerMiddleware;
  if (!extra?.length || !rules.some((r) => r.meta.id === 'missing-helmet')) return rules;
  const path = await import('node:path');
  const entries = extra.map((e) => {
    if (!e.startsWith('.')) return e;
    const [mod, exp] = e.split('#');
    const rel = path.relative(root, path.resolve(config!.dir, mod)).split(path.sep).join('/');
    return (rel.startsWith('.') ? rel : './' + rel) + (exp ? '#' + exp : '');
  });
  const { createMissingHelmetRule, DEFAULT_HEADER_MIDDLEWARE } = await import('../rules/missing-helmet.js');
  const custom = createMissingHelmetRule({ headerMiddleware: [...DEFAULT_HEADER_MIDDLEWARE, ...entries] });
  return rules.map((r) => (r.meta.id === 'missing-helmet' ? { ...custom, meta: r.meta } : r));
}

function selectRules(all: Rule[], only: string[] | undefined, disable: string[] | undefined, config: LoadedConfig | undefined): Rule[] {
  const ids = new Set(all.map((r) => r.meta.id));
  const split = (l?: string[]) => (l ?? []).flatMap((x) => x.split(',')).map((s) => s.trim()).filter(Boolean);
  const want = split(only);
  const off = split(disable);
  for (const id of [...want, ...off]) if (!ids.has(id)) fail(`unknown rule "${id}" (run \`nodesec rules\` to list them)`);
  const settings = config?.config.rules ?? {};
  return all
    .filter((r) => {
      const id = r.meta.id;
      if (off.includes(id)) return false;
      if (want.length) return want.includes(id); // --rule overrides the config's on/off
      return settings[id]?.enabled !== false;
    })
    .map((r) => {
      const sev = settings[r.meta.id]?.severity;
      return sev && sev !== r.meta.severity ? { ...r, meta: { ...r.meta, severity: sev } } : r;
    });
}

const program = new Command();
program
  .name('nodesec')
  .description('Static security scanner for Node.js and TypeScript: real data flow, a path for every finding.')
  .version(TOOL.version, '-v, --version')
  .exitOverride()
  .configureOutput({
    writeErr: (s) => process.stderr.write(s),
    // One line: the problem and where to look.
    outputError: (s, write) => write(`nodesec: ${s.replace(/^error: /, '').trimEnd()} (see nodesec --help)\n`),
  });


program
  .command('scan')
  .description('scan files and folders (default: the current folder)')
  .argument('[paths...]', 'files or folders to scan', [])
  .addOption(new Option('-f, --format <format>', 'report format (github: workflow-command annotations)').choices([...REPORT_FORMATS]).default('text'))
  .option('-o, --output <file>', 'write the report to a file instead of stdout')
  .option('-c, --config <file>', 'config file (default: nodesec.config.json, .nodesecrc.json or package.json "nodesec", from the scanned folder upward)')
  .addOption(
    new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([...SEVERITIES, 'none']).default('high'),
  )
  .addOption(new Option('--severity <min>', 'lowest severity reported').choices([...SEVERITIES]).default('medium'))
  .addOption(
    new Option('--threat-model <model>', 'what counts as attacker input: app (HTTP request data), library (also exported-function parameters), all')
      .choices(['app', 'library', 'all'])
      .default('app'),
  )
  .option('--rule <ids...>', 'run only these rules')
  .option('--disable <ids...>', 'do not run these rules')
  .option('--ignore <globs...>', 'extra paths to skip (gitignore syntax)')
  .option('--max-file-size <bytes>', 'skip files larger than this (default 2 MiB)', positiveInt)
  .option('--timing', "add the scan's duration (stats.durationMs) to the json report, which is otherwise identical from run to run")
  .option('--max-file-time <ms>', 'time budget per file: a file whose analysis takes longer is skipped with a timeout diagnostic (default 10000)', positiveInt)
  .option('--max-link-time <ms>', 'time budget of the cross-function and cross-file analysis: over it, the result is partial with a link-timeout diagnostic (default 120000)', positiveInt)
  .option('--baseline <file>', 'report only findings that are not in this baseline file')
  .option('--write-baseline <file>', "record this scan's findings as the baseline (exits 0)")
  .option('--include-suppressed', 'also show findings hidden by nodesec-ignore comments or the baseline, marked as suppressed')
  .option('--report-unused-ignores', 'report nodesec-ignore comments that suppress nothing (rule unused-suppression, severity low)')
  .option('--sarif-category <name>', 'SARIF automationDetails category (one per scanned root in a monorepo)')
  .option('--no-color', 'no colours (also NO_COLOR, and whenever stdout is not a terminal)')
  .option('-q, --quiet', 'print findings only: no summary, no diagnostics, no progress')
  .option('--allow-plugins', "load the plugins the config lists (they are code: without this flag they are not run)")
  .option('--cache-location <dir>', 'folder of the per-file results cache (default node_modules/.cache/nodesec)')
  .option('--no-cache', 'do not read or write the cache')
  .option('--threads <n>', 'parse and analyse in this many worker threads (default 1: measured no faster on 2 cores)', positiveInt)
  .action(async (paths: string[], o: any, cmd: Command) => {
    // What every scan loads, started at once (see `quietly`); awaited where first used.
    const scanLoading = quietly(import('./scan.js'));
    const cacheLoading = quietly(import('./cache.js'));
    const codeCacheLoading = quietly(import('./code-cache.js'));
    const reporterLoading = quietly(loadReporter(o.format as ReportFormat));
    if (!o.quiet) {
      const { createProgress } = await import('./progress.js');
      progress = createProgress(process.stderr);
    }
    const fromCli = (name: string) => cmd.getOptionValueSource(name) === 'cli';
    const { commonRoot } = await import('./files.js');
    const root = commonRoot(paths.length ? paths : ['.'], process.cwd());
    const { config, all } = await loadSetup(o.config, root, !!o.allowPlugins, !!o.quiet);
    const c = config?.config ?? {};
    const rules = await withHeaderMiddleware(selectRules(all, o.rule, o.disable, config), config, root);
    const severityOverrides: Record<string, Severity> = {};
    for (const r of rules) {
      const s = c.rules?.[r.meta.id]?.severity;
      if (s) severityOverrides[r.meta.id] = s;
    }
    const threatModel = (fromCli('threatModel') ? o.threatModel : c.threatModel ?? o.threatModel) as ThreatModel;
    const severity = (fromCli('severity') ? o.severity : c.severity ?? o.severity) as Severity;
    const failOn = (fromCli('failOn') ? o.failOn : c.failOn ?? o.failOn) as Severity | 'none';
    const format = o.format as ReportFormat;

    // The scan's live data is the per-file facts kept for the link (a few hundred MB on thousands of
    // files) while each parse makes a lot of short-lived garbage: with V8's default growth (up to
    // 4x the live size between full collections) the heap peaks far above what is live. Growing it
    // by 50% instead collects sooner: on Ghost's 2,000 files peak RSS 505 MB instead of 780 MB for
    // about 7% more CPU (25%: 530-550 MB, 15% more CPU). Only on a large scan: while the parser
    // loads, it would cost a small scan ~10% in collections.
    const v8 = await import('node:v8');
    let heapTuned = false;
    const tuneHeap = (files: number) => {
      if (heapTuned || files < LARGE_SCAN_FILES) return;
      heapTuned = true;
      try {
        v8.setFlagsFromString('--heap-growing-percent=50');
      } catch {
        /* not supported: V8's default growth */
      }
    };
    // Before the scan loads the parser: its compiled code is cached on Node < 22.1 (code-cache.ts).
    const codeCache = await codeCacheLoading;
    if (o.cache !== false) codeCache.installCodeCache();
    const { scan, severityRank } = await scanLoading;
    const { DEFAULT_CACHE_DIR } = await cacheLoading;
    const { knowledgeFromConfig } = await import('./knowledge.js');
    let baseline: import('./baseline.js').Baseline | undefined;
    if (o.baseline) {
      const { Baseline } = await import('./baseline.js');
      baseline = await guarded(() => Baseline.load(o.baseline));
    }
    let result = await guarded(() =>
      scan({
        paths,
        rules,
        threatModel,
        severity,
        ignore: o.ignore,
        configIgnore: config && c.ignore?.length ? { base: config.dir, globs: c.ignore } : undefined,
        maxFileSize: o.maxFileSize,
        maxFileTime: o.maxFileTime,
        maxLinkTime: o.maxLinkTime,
        sarifCategory: o.sarifCategory,
        includeSuppressed: !!o.includeSuppressed || !!o.writeBaseline,
        reportUnusedIgnores: !!o.reportUnusedIgnores,
        knownRuleIds: all.map((r) => r.meta.id),
        baseline,
        severityOverrides,
        knowledge: config ? knowledgeFromConfig(c, config.dir, root) : undefined,
        threads: o.threads,
        cache: o.cache === false ? undefined : { dir: path.resolve(o.cacheLocation ?? DEFAULT_CACHE_DIR), salt: config ? JSON.stringify(config.config) : undefined },
        onProgress: (done, total, phase) => {
          tuneHeap(total);
          progress?.update(phase, done, total);
        },
      }),
    );

    if (o.writeBaseline) {
      const { writeBaseline } = await import('./baseline.js');
      // Today's findings, including those already in the --baseline; not inline-suppressed ones.
      const accepted = result.findings.filter((f) => !f.suppressed || f.suppressed.kind === 'baseline');
      const n = await guarded(() => writeBaseline(o.writeBaseline, accepted, result.root));
      if (!o.quiet) {
        progress?.stop();
        process.stderr.write(`nodesec: wrote ${n} finding${n === 1 ? '' : 's'} to ${o.writeBaseline}\n`);
      }
      if (!o.includeSuppressed) result = { ...result, findings: result.findings.filter((f) => !f.suppressed) };
    }

    progress?.update('reporting');
    const reporter = await reporterLoading;
    if (format === 'sarif' || format === 'github') {
      // GitHub places results by paths relative to the repository root.
      const { gitWorkTreeTop, rebaseResult } = await import('./rebase.js');
      const top = gitWorkTreeTop(result.root);
      if (top && top !== result.root) result = rebaseResult(result, top);
    }
    const color = !o.output && o.color !== false && !process.env.NO_COLOR && !!process.stdout.isTTY && format === 'text';
    if (o.quiet && format === 'text') result = { ...result, diagnostics: [], quiet: true } as typeof result;
    const reporterOptions = { color, includeSuppressed: !!o.includeSuppressed, timing: !!o.timing };
    const out = reporter(result, reporterOptions);
    progress?.stop();
    if (o.output) {
      try {
        writeFileSync(o.output, out);
      } catch (e: any) {
        fail(`cannot write ${o.output}: ${e.code ?? e.message}`);
      }
    } else process.stdout.write(out);
    codeCache.saveCodeCache();
    const failing =
      failOn === 'none' || o.writeBaseline
        ? 0
        : result.findings.filter((f) => !f.suppressed && severityRank(f.severity) >= severityRank(failOn)).length;
    process.exitCode = failing ? 1 : 0;
  });

program
  .command('rules')
  .description('list every rule (built-in and from plugins) with id, severity, precision, CWE and description')
  .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
  .option('-c, --config <file>', 'config file whose plugins to include (default: found from the current folder upward)')
  .option('--allow-plugins', 'load the plugins the config lists (without it only built-in rules are listed)')
  .action(async (o: { format: 'text' | 'json' | 'markdown'; config?: string; allowPlugins?: boolean }) => {
    const { formatRules } = await import('./rules-list.js');
    const { all } = await loadSetup(o.config, process.cwd(), !!o.allowPlugins);
    process.stdout.write(formatRules(all.map((r) => r.meta), o.format));
  });

try {
  await program.parseAsync(process.argv);
} catch (e) {
  progress?.stop();
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') process.exit(0);
    process.exit(2);
  }
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`nodesec: internal error: ${msg.split('\n')[0]}\n`);
  if (process.env.NODESEC_DEBUG) process.stderr.write(String((e as Error)?.stack) + '\n');
  process.exit(2);
}
