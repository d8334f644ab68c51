/**
 * ssd and zoned (ZBC/ZAC) disks: requests complete in hardware, in any state
 * (completion runs in interrupt context; no task has to act).
 *
 * Sources ([5.2.1]): block/blk-mq.c (blk_mq_complete_request → bio_endio).
 * A zoned disk differs from an ssd only in being acceptable below dm-zoned
 * (dmz_ctr requires bdev_is_zoned); zone management is not modelled.
 *
 * @module
 */
import { Domain, record } from '../../checker';
import { DaemonDecl, KAction, KState, Kernel, Shrinker } from '../kernel';
import { Req, TaskRef } from '../task';
import { Queue, dequeue, emptyQueue, enqueue, findInQueue, queueDomain } from './queue';

export class DiskLayer {
  readonly kind = 'disk' as const;
  /** This layer's state variable. */
  private readonly key: `L${number}`;
  constructor(
    private readonly k: Kernel,
    readonly index: number,
    readonly label: string,
    readonly name: 'ssd' | 'zoned',
  ) {
    this.key = `L${index}`;
  }

  domain(): Domain {
    return record({ q: queueDomain(this.k.bounds.queue, this.k.layers.length, this.k.daemons.length) });
  }

  init(): unknown {
    return { q: emptyQueue(this.k.bounds.queue) };
  }

  daemons(): DaemonDecl[] {
    return [];
  }

  shrinkers(): Shrinker[] {
    return [];
  }

  private q(k: KState): Queue {
    return k[this.key].q;
  }

  submit(k: KState, req: Req, _ctx: TaskRef | null): KState {
    return { ...k, [this.key]: { q: enqueue(this.q(k), req, `${this.label} queue`) } };
  }

  locate(k: KState, match: (r: Req) => boolean): { where: string; tasks: TaskRef[]; irq: boolean } | null {
    return findInQueue(this.q(k), match) >= 0 ? { where: `queued on ${this.label}`, tasks: [], irq: true } : null;
  }

  actions(): KAction[] {
    return [
      {
        // the device finishes the head request: blk_mq_complete_request → bio_endio (interrupt context)
        name: `blk_mq_complete_request(${this.label})`,
        params: [0],
        next: (k: KState) => {
          const qu = this.q(k);
          if (qu.n === 0) return undefined;
          const [req, rest] = dequeue(qu);
          return this.k.complete({ ...k, [this.key]: { q: rest } }, req);
        },
        formatParam: () => this.label,
      },
    ];
  }

  format(k: KState): Record<string, unknown> {
    return { queued: this.q(k).n };
  }
}
