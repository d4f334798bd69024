/**
 * The per-file time budget (`--max-file-time`). Analysis is synchronous, so the budget is
 * cooperative: long loops call `checkDeadline(deadline)`, which throws a `TimeoutError` once the
 * deadline (a `performance.now()` value) has passed; the scan turns it into a `timeout` diagnostic.
 */

/** Default per-file budget in milliseconds: parse and analysis of one file. */
export const DEFAULT_MAX_FILE_TIME_MS = 10_000;

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
