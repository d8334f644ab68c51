/**
 * Stopping a search cleanly on SIGINT/SIGTERM.
 *
 * The search is synchronous, so a JS signal handler on the main thread would
 * run only after it ends. Instead a small watcher thread (a worker) owns the
 * signal handles: its event loop is idle, so it sees the signal at once and
 * sets a flag in shared memory that the search loop polls once per batch
 * (`interruptRequested`). The search then ends as incomplete with what it
 * found so far, and the CLI writes the report as usual (exit 152).
 *
 * A second signal exits at once: the watcher closes its handles, which gives
 * the signal back its default action, and re-raises it (exit 130/143).
 *
 * A worker cannot register signals through `process.on`, so the watcher uses
 * Node's `signal_wrap` binding (what `process.on('SIGINT')` uses inside). If
 * that binding is missing (a future Node), `installSignalStop` falls back to
 * `process.on`, which stops the search only when the event loop next runs
 * (between cells of `verify`, or not before the end of one `check`).
 *
 * @module
 */
import { constants } from 'os';

/**
 * The stop flag, in shared memory so that the worker threads of a parallel
 * search or of `verify`'s cells see the same request as the main thread
 * (the pool passes it to each worker, which adopts it: `adoptInterruptFlag`).
 * 0: no request; a signal number; -1: a stop request without a signal.
 */
let flag: Int32Array | undefined;

function sharedFlag(): Int32Array {
  return (flag ??= new Int32Array(new SharedArrayBuffer(4)));
}

/** The shared memory of the stop flag, for a worker thread to adopt. */
export function interruptFlagBuffer(): SharedArrayBuffer {
  return sharedFlag().buffer as SharedArrayBuffer;
}

/** Makes this thread (a worker) share the stop flag of the thread that started it. */
export function adoptInterruptFlag(buffer: SharedArrayBuffer): void {
  flag = new Int32Array(buffer);
}

/** True once a stop was requested (first SIGINT/SIGTERM, or `requestInterrupt`), in this thread or the one that started it. */
export function interruptRequested(): boolean {
  return flag !== undefined && Atomics.load(flag, 0) !== 0;
}

/** The signal that requested the stop, e.g. `SIGINT`, or undefined. */
export function interruptSignal(): string | undefined {
  const n = flag !== undefined ? Atomics.load(flag, 0) : 0;
  if (n === 0) return undefined;
  return n === constants.signals.SIGINT ? 'SIGINT' : n === constants.signals.SIGTERM ? 'SIGTERM' : 'stop request';
}

/** Requests a stop (tests, embedders); `signal` is a signal number or 0 for "stop request". Worker threads see it too. */
export function requestInterrupt(signal = -1): void {
  Atomics.store(sharedFlag(), 0, signal === 0 ? -1 : signal);
}

/** Clears a stop request (tests). */
export function clearInterrupt(): void {
  if (flag) Atomics.store(flag, 0, 0);
}

const WATCHER = `
const { workerData, parentPort } = require('worker_threads');
const flag = new Int32Array(workerData.buffer);
process.noDeprecation = true;
let Signal;
try { Signal = process.binding('signal_wrap').Signal; } catch (e) { parentPort.postMessage({ ok: false, error: String(e && e.message || e) }); }
if (Signal) {
  const handles = [];
  for (const signo of workerData.signals) {
    const h = new Signal();
    h.onsignal = (n) => {
      if (Atomics.load(flag, 0) === 0) {
        Atomics.store(flag, 0, n);
        // Written from this thread, at once: the main thread is busy searching.
        try { require('fs').writeSync(2, 'gfpcheck: ' + (n === workerData.signals[0] ? 'SIGINT' : 'SIGTERM') + ': stopping the search; the report of what was found so far follows (a second signal exits at once)\\n'); } catch (e) {}
        parentPort.postMessage({ signal: n });
        return;
      }
      for (const x of handles) x.close();
      process.kill(process.pid, n);
    };
    h.start(signo);
    handles.push(h);
  }
  parentPort.postMessage({ ok: true });
  setInterval(() => {}, 1 << 30);
}
`;

/**
 * Installs the SIGINT/SIGTERM watcher; resolves when it is listening.
 * `onFirst` is called on the main thread when it gets to run (for a message).
 */
export async function installSignalStop(onFirst?: (signal: string) => void): Promise<{ dispose(): void }> {
  // Loaded lazily: only the CLI needs a thread.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { Worker } = require('worker_threads') as typeof import('worker_threads');
  const buffer = interruptFlagBuffer();
  const signals = [constants.signals.SIGINT, constants.signals.SIGTERM];
  const fallback = (): { dispose(): void } => {
    let seen = false;
    const h = (sig: NodeJS.Signals): void => {
      if (seen) process.exit(128 + constants.signals[sig]);
      seen = true;
      requestInterrupt(constants.signals[sig]);
      onFirst?.(sig);
    };
    process.on('SIGINT', h);
    process.on('SIGTERM', h);
    return { dispose: () => (process.off('SIGINT', h), process.off('SIGTERM', h), undefined) };
  };
  let worker: import('worker_threads').Worker;
  try {
    worker = new Worker(WATCHER, { eval: true, workerData: { buffer, signals } });
  } catch {
    return fallback();
  }
  const ready = await new Promise<boolean>((resolve) => {
    worker.once('message', (m: { ok?: boolean }) => resolve(m.ok === true));
    worker.once('error', () => resolve(false));
  });
  if (!ready) {
    void worker.terminate();
    return fallback();
  }
  worker.on('message', (m: { signal?: number }) => {
    if (m.signal !== undefined) onFirst?.(m.signal === constants.signals.SIGINT ? 'SIGINT' : 'SIGTERM');
  });
  worker.unref();
  return { dispose: () => void worker.terminate() };
}
