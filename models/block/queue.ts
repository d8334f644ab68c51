/**
 * A bounded FIFO of requests, as a fixed-size array plus a count (so it has a
 * finite domain). Used for dm-zoned chunk work, the tcm_loop workqueue, the
 * tcmu command ring, the loop worker's queue and a disk's hardware queue.
 *
 * @module
 */
import { Domain, array, bits, bool, enumOf, int, optId, record } from '../../checker';
import type { DaemonDecl, Kernel, Shrinker } from '../kernel';
import { NO_REQ, PF_BITS, Req } from '../core/task';

export interface Queue {
  readonly q: readonly Req[];
  readonly n: number;
}

export function reqDomain(layers: number, daemons: number): Domain {
  return record({
    op: enumOf(['none', 'read', 'write']),
    src: enumOf(['none', 'page', 'inode']),
    fs: int(0, Math.max(0, layers - 1)),
    ww: optId('writers'),
    wd: int(-1, Math.max(0, daemons - 1)),
    scope: bits(PF_BITS),
    fresh: bool(),
    err: bool(),
  });
}

export const queueDomain = (cap: number, layers: number, daemons: number): Domain =>
  record({ q: array(cap, reqDomain(layers, daemons)), n: int(0, cap) });

export const emptyQueue = (cap: number): Queue => ({ q: Array.from({ length: cap }, () => NO_REQ), n: 0 });

export function enqueue(qu: Queue, r: Req, what: string): Queue {
  if (qu.n >= qu.q.length) throw new Error(`${what}: queue bound ${qu.q.length} exceeded (raise the queue bound)`);
  const q = qu.q.slice();
  q[qu.n] = r;
  return { q, n: qu.n + 1 };
}

export function dequeue(qu: Queue): [Req, Queue] {
  const q = qu.q.slice(1);
  q.push(NO_REQ);
  return [qu.q[0], { q, n: qu.n - 1 }];
}

export const findInQueue = (qu: Queue, match: (r: Req) => boolean): number => qu.q.slice(0, qu.n).findIndex(match);

/**
 * What the queue-based block layers (dm-zoned, tcmu, loop, the disks) share:
 * the kernel, the layer's index, label and state variable (`L<index>`), and a
 * state that is a record of bounded queues (`queueNames`, in that order)
 * followed by the layer's other fields (`otherFields`). By default a layer
 * has no daemon and no shrinker.
 */
export abstract class QueueLayer {
  /** This layer's state variable. */
  protected readonly key: `L${number}`;
  /** The queues of this layer's state, in declaration order. */
  protected abstract readonly queueNames: readonly string[];

  constructor(
    protected readonly k: Kernel,
    readonly index: number,
    readonly label: string,
  ) {
    this.key = `L${index}`;
  }

  /** Fields of the state after the queues: their domains and initial values. */
  protected otherFields(): { readonly domain: Record<string, Domain>; readonly init: Record<string, unknown> } {
    return { domain: {}, init: {} };
  }

  domain(): Domain {
    const qd = queueDomain(this.k.bounds.queue, this.k.layers.length, this.k.daemons.length);
    return record({ ...Object.fromEntries(this.queueNames.map((n) => [n, qd])), ...this.otherFields().domain });
  }

  init(): unknown {
    return { ...Object.fromEntries(this.queueNames.map((n) => [n, emptyQueue(this.k.bounds.queue)])), ...this.otherFields().init };
  }

  daemons(): DaemonDecl[] {
    return [];
  }

  shrinkers(): Shrinker[] {
    return [];
  }
}

export function describeReq(r: Req, fsLabel: string): string {
  if (r.src === 'inode') return `${fsLabel} inode cluster buffer write`;
  return `${fsLabel} page ${r.op === 'write' ? 'writeback' : 'read'}`;
}
