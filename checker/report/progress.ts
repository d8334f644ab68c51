/**
 * Progress lines, printed to stderr during long runs (TLC's "Progress(d)"
 * lines). They carry wall-clock rates, so they never go to stdout. On a
 * terminal (`ProgressLine` with a tty sink) one status line is rewritten in
 * place instead: elapsed time, states/s, depth, queue and memory, and a bar
 * where the total is known (verify's cells).
 *
 * @module
 */
import type { Progress } from '../result';
import { formatCount } from './values';

/** `Progress(12): 1,234,567 states generated, 345,678 distinct states found, 12,345 states left on queue (56,789 distinct states/s).` */
export function formatProgress(p: Progress): string {
  return (
    `Progress(${p.depth}): ${formatCount(p.statesGenerated)} states generated, ${formatCount(p.distinctStates)} distinct states found, ` +
    `${formatCount(p.queue)} states left on queue (${formatCount(Math.round(p.statesPerSecond))} distinct states/s).`
  );
}

/** Bytes as `512 MB` / `1.5 GB` (binary units, the unit a reader expects of memory). */
export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(1)} GB`;
  if (n >= 2 ** 20) return `${Math.round(n / 2 ** 20)} MB`;
  if (n >= 2 ** 10) return `${Math.round(n / 2 ** 10)} KB`;
  return `${n} B`;
}

/** Seconds as `42.0s`, `3m07s` or `1h02m`. */
export function formatElapsed(s: number): string {
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** `[##########..........]` for `done` of `total`, `width` characters inside the brackets. */
export function formatBar(done: number, total: number, width = 20): string {
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/**
 * The one-line status of a search on a terminal: elapsed time, distinct
 * states and rate, depth, queue, and memory (the process's resident set,
 * which covers the engine's off-heap typed arrays) when known.
 */
export function formatProgressStatus(p: Progress, memoryBytes?: number): string {
  return (
    `${formatElapsed(p.seconds)}  ${formatCount(p.distinctStates)} states (${formatCount(Math.round(p.statesPerSecond))}/s)` +
    `  depth ${formatCount(p.depth)}  queue ${formatCount(p.queue)}${memoryBytes !== undefined ? `  mem ${formatBytes(memoryBytes)}` : ''}`
  );
}

/** The one-line status of a job with a known number of steps (verify's cells): a bar, `done/total`, elapsed time, what runs now. */
export function formatStepStatus(done: number, total: number, seconds: number, label: string, unit = 'cells'): string {
  return `${formatBar(done, total)} ${done}/${total} ${unit}  ${formatElapsed(seconds)}  ${label}`;
}

/** Where progress goes: stderr, a terminal or not, and what can be known about the process. */
export interface ProgressSink {
  write(text: string): void;
  /** stderr is a terminal: one status line rewritten in place; otherwise plain lines. */
  readonly tty: boolean;
  /** Terminal width, to keep the status on one line. */
  readonly columns?: number;
  /** Resident memory of the process, in bytes. */
  memory?(): number;
}

/**
 * Progress output. On a terminal, `status` rewrites one line in place
 * (`\r` and erase-line) and `done` erases it, so that the report that
 * follows starts on a clean line; otherwise `line` prints plain lines
 * (TLC's Progress(d) lines) and `status` prints nothing. Progress never goes
 * to stdout.
 */
export class ProgressLine {
  private shown = false;

  constructor(private readonly sink: ProgressSink) {}

  get tty(): boolean {
    return this.sink.tty;
  }

  /** A search's progress: the status line on a terminal, a Progress(d) line otherwise. */
  search(p: Progress): void {
    if (this.sink.tty) this.status(formatProgressStatus(p, this.sink.memory?.()));
    else this.line(formatProgress(p));
  }

  /** On a terminal: replace the status line. Elsewhere: nothing. */
  status(text: string): void {
    if (!this.sink.tty) return;
    const width = Math.max(20, (this.sink.columns ?? 80) - 1);
    const t = text.length > width ? `${text.slice(0, width - 1)}…` : text;
    this.sink.write(`\r\x1b[K${t}`);
    this.shown = true;
  }

  /** A plain line (the status line, if any, is erased first). */
  line(text: string): void {
    this.done();
    this.sink.write(`${text}\n`);
  }

  /** Erases the status line, if one is shown. */
  done(): void {
    if (!this.shown) return;
    this.sink.write('\r\x1b[K');
    this.shown = false;
  }
}
