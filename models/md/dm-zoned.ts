/**
 * dm-zoned: dmz_map runs in the submitter's context and queues the bio on its
 * chunk work; a dm-zoned kworker (chunk_wq, WQ_MEM_RECLAIM) processes it and
 * submits a clone to the zoned device below.
 *
 * Sources ([5.2.1] drivers/md/dm-zoned-target.c): dmz_map →
 * dmz_queue_chunk_work (chunk_lock, radix tree GFP_NOIO, kmalloc(GFP_NOIO),
 * queue_work(chunk_wq)); dmz_chunk_work → dmz_handle_bio → dmz_submit_bio
 * (bio_clone_fast(GFP_NOIO) from the target's bio_set, generic_make_request).
 * All I/O-path allocations are GFP_NOIO or mempool-backed; they are not
 * modelled as page allocations (see docs/models/dm-zoned.md).
 *
 * @module
 */
import { BlockLayer, DaemonDecl, KAction, KState, Shrinker } from '../kernel';
import { Req, TaskRef } from '../core/task';
import { Queue, QueueLayer, dequeue, enqueue, findInQueue } from '../block/queue';

export class DmZonedLayer extends QueueLayer {
  readonly kind = 'block' as const;
  readonly name = 'dm-zoned';
  protected readonly queueNames = ['chunk'];

  override daemons(): DaemonDecl[] {
    return [{ role: 'dmz-kworker', name: 'kworker/dmz_cwq', layer: this.index }];
  }

  override shrinkers(): Shrinker[] {
    // dm-zoned-metadata.c: dmz_mblock_shrinker_scan — frees clean mblocks under a spinlock, no gfp check, no I/O
    return [{ name: 'dmz_mblock_shrinker_scan', layer: this.index, hasWork: () => false, scan: (k) => ({ k, blocked: false }) }];
  }

  private chunk(k: KState): Queue {
    return k[this.key].chunk;
  }

  /** dmz_map in the submitter's context: dmz_queue_chunk_work adds the bio to its chunk work and queues it. */
  submit(k: KState, req: Req, _ctx: TaskRef | null): KState {
    return { ...k, [this.key]: { chunk: enqueue(this.chunk(k), req, 'dm-zoned chunk work') } };
  }

  locate(k: KState, match: (r: Req) => boolean): { where: string; tasks: TaskRef[]; irq: boolean } | null {
    return findInQueue(this.chunk(k), match) >= 0
      ? { where: 'queued on dm-zoned chunk work', tasks: this.k.daemonsOf('dmz-kworker', this.index), irq: false }
      : null;
  }

  actions(): KAction[] {
    const worker = this.k.daemonsOf('dmz-kworker', this.index)[0];
    const below = (): BlockLayer => this.k.below(this.index);
    return [
      {
        // dmz_chunk_work → dmz_handle_bio → dmz_submit_bio → generic_make_request (in the kworker's context)
        name: 'dmz_chunk_work',
        params: [worker],
        formatParam: (t: TaskRef) => this.k.taskName(t),
        next: (k: KState, t: TaskRef) => {
          const qu = this.chunk(k);
          if (qu.n === 0) return undefined;
          const [req, rest] = dequeue(qu);
          const k2 = { ...k, [this.key]: { chunk: rest } };
          // the clone carries the original's scope only when the (proposed) bio-carried scope is on
          return below().submit(k2, req, t);
        },
      },
    ];
  }

  format(k: KState): Record<string, unknown> {
    return { chunkWork: this.chunk(k).n };
  }
}
