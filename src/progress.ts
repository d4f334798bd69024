/**
 * A one-line progress indicator on stderr for scans that take more than a second:
 * `nodesec: analysing 120/450 files`, redrawn in place, erased when the scan ends. Only when
 * stderr is a terminal (the CLI also turns it off with --quiet): CI logs and pipes get nothing.
 */
export type ScanPhase = 'discovering' | 'analysing' | 'linking' | 'reporting';

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

export interface Progress {
  update(phase: ScanPhase, done?: number, total?: number): void;
  /** Erase the line (if drawn) and stop. */
  stop(): void;
}

const NOOP: Progress = { update() {}, stop() {} };

export interface ProgressOptions {
  /** Nothing is drawn before this many milliseconds (default 1000). */
  delayMs?: number;
  /** Redraw interval (default 100 ms). */
  intervalMs?: number;
  now?: () => number;
}

export function progressLine(phase: ScanPhase, done: number, total: number): string {
  return phase === 'analysing' && total > 0 ? `nodesec: ${phase} ${done}/${total} files` : `nodesec: ${phase}…`;
}

export function createProgress(stream: ProgressStream, opts: ProgressOptions = {}): Progress {
  if (!stream.isTTY) return NOOP;
  const now = opts.now ?? (() => performance.now());
  const delay = opts.delayMs ?? 1000;
  const started = now();
  let state: { phase: ScanPhase; done: number; total: number } = { phase: 'discovering', done: 0, total: 0 };
  let drawn = '';
  let stopped = false;
  const draw = () => {
    if (stopped || now() - started < delay) return;
    let line = progressLine(state.phase, state.done, state.total);
    const width = (stream.columns || 80) - 1;
    if (line.length > width) line = line.slice(0, Math.max(0, width));
    if (line === drawn) return;
    stream.write(`\r${line}\x1b[K`);
    drawn = line;
  };
  // A timer, so a long phase without updates (discovery of a huge tree) still shows up.
  const timer = setInterval(draw, opts.intervalMs ?? 100);
  timer.unref?.();
  return {
    update(phase, done = 0, total = 0) {
      const changed = phase !== state.phase;
      state = { phase, done, total };
      if (changed) draw(); // counts are redrawn by the timer, at most every interval
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
