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
import { KAction, KState, Kernel } from '../kernel';
import { Req, TaskRef } from '../core/task';
import { Queue, QueueLayer, dequeue, enqueue, findInQueue } from './queue';

export class DiskLayer extends QueueLayer {
  readonly kind = 'disk' as const;
  protected readonly queueNames = ['q'];
  constructor(
    k: Kernel,
    index: number,
    label: string,
    readonly name: 'ssd' | 'zoned',
  ) {
    super(k, index, label);
  }

  private q(k: KState): Queue {
    return k[this.key].q;
  }

  submit(k: KState, req: Req, _ctx: TaskRef | null): KState {
    return this.k.withVar(k, this.key, { q: enqueue(this.q(k), req, `${this.label} queue`) });
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
          return this.k.complete(this.k.withVar(k, this.key, { q: rest }), req);
        },
        formatParam: () => this.label,
      },
    ];
  }

  format(k: KState): Record<string, unknown> {
    return { queued: this.q(k).n };
  }
}
