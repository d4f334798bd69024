/**
 * typescript-estree wrapper. Loaded lazily by the scan (importing typescript costs ~0.5 s), so
 * `--version`, `--help`, `rules` and cache hits never pay for it.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';

export type Program = TSESTree.Program;

export interface ParseOk {
  ok: true;
  ast: Program;
  sourceType: 'module' | 'script';
}
export interface ParseError {
  ok: false;
  message: string;
  line?: number;
  column?: number;
  /** The parser overflowed the stack: nesting too deep to parse (not a syntax error). */
  tooDeep?: boolean;
}

type Estree = typeof import('@typescript-eslint/typescript-estree');
let estree: Estree | undefined;

export async function loadParser(): Promise<void> {
  if (!estree) estree = await import('@typescript-eslint/typescript-estree');
}

const JSX_EXT = /\.(jsx|tsx)$/i;
const TS_EXT = /\.(ts|cts|mts|tsx)$/i;

/**
 * Parse one file. `.js`/`.jsx`/`.cjs`/`.mjs` are parsed as JavaScript (JSX allowed in .js and .jsx,
 * as React projects put JSX in .js); TypeScript extensions with TS syntax, JSX only in .tsx.
 * Only what the rules need: ranges and locations; no tokens, no comments (unless asked), no JSDoc.
 */
export function parseSource(text: string, file: string, opts: { comments?: boolean } = {}): ParseOk | ParseError {
  if (!estree) throw new Error('parser not loaded: call loadParser() first');
  const isTs = TS_EXT.test(file);
  const jsx = JSX_EXT.test(file) || (!isTs && /\.js$/i.test(file));
  const attempt = (withJsx: boolean): ParseOk | ParseError => {
    try {
      const ast = estree!.parse(text, {
        filePath: isTs ? file : file.replace(/\.(c|m)?jsx?$/i, '.js'),
        jsx: withJsx,
        loc: true,
        range: true,
        comment: !!opts.comments,
        tokens: false,
        jsDocParsingMode: 'none',
        suppressDeprecatedPropertyWarnings: true,
        allowInvalidAST: false,
      } as any) as unknown as Program;
      const sourceType: 'module' | 'script' =
        /\.(mjs|mts)$/i.test(file) || hasModuleSyntax(ast) ? 'module' : 'script';
      return { ok: true, ast, sourceType };
    } catch (e: any) {
      if (e instanceof RangeError && /call stack/i.test(e.message)) return { ok: false, tooDeep: true, message: 'nesting is too deep to parse' };
      const msg = String(e?.message ?? e).split('\n')[0];
      return { ok: false, message: msg, line: e?.lineNumber, column: e?.column != null ? e.column + 1 : undefined };
    }
  };
  let r = attempt(jsx);
  // A .js file with `<T>x` casts or comparisons that look like JSX: retry without JSX.
  if (!r.ok && !r.tooDeep && jsx && !JSX_EXT.test(file)) {
    const r2 = attempt(false);
    if (r2.ok) r = r2;
  }
  return r;
}

function hasModuleSyntax(ast: Program): boolean {
  for (const s of ast.body) {
    const t = s.type;
    if (
      t === 'ImportDeclaration' ||
      t === 'ExportNamedDeclaration' ||
      t === 'ExportDefaultDeclaration' ||
      t === 'ExportAllDeclaration' ||
      t === 'TSExportAssignment'
    )
      return true;
  }
  return false;
}

