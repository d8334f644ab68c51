/**
 * A pool of worker threads that a synchronous caller drives: messages go out
 * on a `MessagePort` per worker, and the caller blocks in `Atomics.wait` on a
 * shared counter that a worker bumps after each reply, then takes the reply
 * with `receiveMessageOnPort`. `check` stays synchronous, and the protocol is
 * plain messages (see docs/architecture.md, "Parallel search").
 *
 * Workers start once per process and serve every later search (their start,
 * which loads the spec's modules, is paid once); they are unref'd, so they
 * never keep the process alive. Workers run the compiled JavaScript when this
 * module is JavaScript (a build in dist/), and register ts-node when it is
 * TypeScript (running from the sources, e.g. under jest).
 *
 * @module
 */
import * as fs from 'fs';
import * as path from 'path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'worker_threads';
import { interruptFlagBuffer } from '../interrupt';

/** A message from a worker: `op` says what, `job` which request it answers. */
export interface Reply {
  readonly op: string;
  readonly job: number;
  readonly [k: string]: unknown;
}

interface Slot {
  readonly worker: Worker;
  readonly port: MessagePort;
}

function findUp(dir: string, name: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const f = path.join(d, name);
    if (fs.existsSync(f)) return f;
    if (path.dirname(d) === d) return undefined;
  }
}

/** Synchronous worker pool (one per process, see `getPool`). */
export class Pool {
  private readonly slots: Slot[] = [];
  /** [0]: replies posted (bumped by workers); [1 + i]: 2 once worker i has exited. */
  private readonly signal: Int32Array;
  private next = 0;
  private jobs = 0;
  constructor(private readonly max = 64) {
    this.signal = new Int32Array(new SharedArrayBuffer(4 * (1 + max)));
  }
  get size(): number {
    return this.slots.length;
  }
  /** A fresh job number: replies to earlier jobs are dropped by `receive`. */
  newJob(): number {
    return ++this.jobs;
  }
  /** Starts workers until there are `n`. */
  ensure(n: number): void {
    n = Math.min(n, this.max);
    const ts = __filename.endsWith('.ts');
    const file = path.join(__dirname, ts ? 'worker.ts' : 'worker.js');
    while (this.slots.length < n) {
      const id = this.slots.length;
      const { port1, port2 } = new MessageChannel();
      const workerData = { port: port2, signal: this.signal, id, interrupt: interruptFlagBuffer() };
      let worker: Worker;
      if (ts) {
        const project = findUp(__dirname, 'tsconfig.json');
        const boot =
          `require(${JSON.stringify(require.resolve('ts-node'))}).register(${JSON.stringify({ transpileOnly: true, ...(project ? { project } : {}) })});` +
          `require(${JSON.stringify(file)});`;
        worker = new Worker(boot, { eval: true, workerData, transferList: [port2] });
      } else {
        worker = new Worker(file, { workerData, transferList: [port2] });
      }
      worker.unref();
      this.slots.push({ worker, port: port1 });
    }
  }
  /** Sends a message to worker `i`. */
  send(i: number, msg: Record<string, unknown>, transfer: ArrayBuffer[] = []): void {
    this.slots[i].port.postMessage(msg, transfer);
  }
  /** A reply to `job` that has already arrived, if any (does not block). */
  poll(job: number): Reply | undefined {
    for (let i = 0; i < this.slots.length; i++) {
      for (;;) {
        const m = receiveMessageOnPort(this.slots[i].port);
        if (m === undefined) break;
        const reply = m.message as Reply;
        if (reply.job === job) return reply;
      }
    }
    return undefined;
  }
  /**
   * Blocks until a worker replies to `job`; returns the worker and its reply.
   * Throws when a worker has exited.
   */
  receive(job: number): { worker: number; reply: Reply } {
    for (;;) {
      // the signal word is read before polling, so that a reply posted after the poll wakes the wait
      const seen = Atomics.load(this.signal, 0);
      const r = this.tryReceive(job);
      if (r !== undefined) return r;
      Atomics.wait(this.signal, 0, seen, 1000);
    }
  }
  /** A reply to `job` that has already arrived, with its worker, if any (does not block). */
  tryReceive(job: number): { worker: number; reply: Reply } | undefined {
    const n = this.slots.length;
    for (let k = 0; k < n; k++) {
      const i = (this.next + k) % n;
      for (;;) {
        const m = receiveMessageOnPort(this.slots[i].port);
        if (m === undefined) break;
        const reply = m.message as Reply;
        if (reply.job !== job) continue; // a late reply to an abandoned job
        this.next = (i + 1) % n;
        return { worker: i, reply };
      }
    }
    for (let i = 0; i < n; i++) {
      if (Atomics.load(this.signal, 1 + i) === 2) throw new Error(`worker thread ${i} exited unexpectedly`);
    }
    return undefined;
  }
  /** Stops every worker (tests; a process need not call it). */
  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}

let pool: Pool | undefined;

/** The process's pool, with at least `n` workers started. */
export function getPool(n: number): Pool {
  pool ??= new Pool();
  pool.ensure(n);
  return pool;
}

/** Stops the process's workers, if any were started. */
export async function closePool(): Promise<void> {
  const p = pool;
  pool = undefined;
  if (p) await p.close();
}
