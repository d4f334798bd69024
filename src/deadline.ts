/**
 * Time budgets: per file (`--max-file-time`) and for the project link (`--max-link-time`, checked
 * in analysis/summaries.ts). Analysis is synchronous, so a budget is cooperative: long loops call
 * `checkDeadline(deadline)`, which throws a `TimeoutError` once the deadline (a `performance.now()`
 * value) has passed; the scan turns it into a `timeout` (file) or `link-timeout` (project) diagnostic.
 */

/** Default per-file budget in milliseconds: parse and analysis of one file. */
export const DEFAULT_MAX_FILE_TIME_MS = 10_000;

/**
 * Default budget in milliseconds of the project link (`--max-link-time`): the cross-function and
 * cross-file analysis after every file is analysed. Well above what real projects take (about 8 s
 * for 5,700 files; the slowest of the reliability benchmark's 259 packages, next, 40-50 s on a
 * loaded machine), so that their results do not depend on the machine; a project over it gets a
 * `link-timeout` diagnostic and a partial result instead of a hang.
 */
export const DEFAULT_MAX_LINK_TIME_MS = 120_000;

export class TimeoutError extends Error {
  constructor(message = 'the per-file time budget was exceeded') {
    super(message);
    this.name = 'TimeoutError';
  }
}

/** Throws a TimeoutError when `deadline` (a performance.now() time) has passed. */
export function checkDeadline(deadline: number | undefined): void {
  if (deadline !== undefined && performance.now() > deadline) throw new TimeoutError();
}

/** A stack overflow (deep nesting), as opposed to other RangeErrors ("Invalid array length"...). */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}
