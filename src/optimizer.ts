/**
 * V8's optimising compiler (TurboFan) pays off on long runs and costs on short ones: compiling hot
 * functions takes CPU from a run that is over before the optimised code is used. A warm re-scan of
 * an unchanged 195-file project (every file a cache hit) took 275 instead of 307 ms without it
 * (medians of 12 alternating runs, 2 cores), while a scan that parses files, or a warm scan of
 * 5,666 files (1.4 s), needs it (2.2 s without). So the CLI starts with it off (bin/nodesec.js)
 * and scan.ts turns it back on as soon as real work starts: a file to parse, a link to compute,
 * worker threads, or RESUME_AFTER_MS into the run (a timer, and checkpoints in the file loops).
 *
 * Only the CLI pauses it, and never when the user passed a V8 flag of their own about it.
 */
import v8 from 'node:v8';

/** Time since the process started after which the optimiser is on whatever the run does. */
const RESUME_AFTER_MS = 300;

const USER_SET = /--(no-)?(opt|turbofan)\b/;

let paused = false;

/** Turns TurboFan off for now (CLI start-up). */
export function pauseOptimizer(): void {
  if (paused || USER_SET.test(process.execArgv.join(' ')) || USER_SET.test(process.env.NODE_OPTIONS ?? '')) return;
  try {
    v8.setFlagsFromString('--no-turbofan');
    paused = true;
  } catch {
    /* not supported: nothing changes */
    return;
  }
  // Also on time while the run waits on the file system (discovery of a large tree); checkpoints
  // cover the synchronous stretches, where no timer can run.
  setTimeout(resumeOptimizer, Math.max(0, RESUME_AFTER_MS - performance.now())).unref();
}

/** Turns TurboFan back on if pauseOptimizer turned it off. */
export function resumeOptimizer(): void {
  if (!paused) return;
  paused = false;
  v8.setFlagsFromString('--turbofan');
}

/** Called as work goes on: turns TurboFan back on once the run is no longer short. */
export function optimizerCheckpoint(): void {
  if (paused && performance.now() > RESUME_AFTER_MS) resumeOptimizer();
}
