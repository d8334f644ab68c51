/**
 * A remapping block layer: a bio-based target that changes only where a bio
 * goes (device, sector) and passes it on to the device below in the
 * submitter's own context, with no task, no queue, no lock and no shrinker of
 * its own. This is the one layer a user may declare in a layer module
 * (`gfpcheck check --stack xfs/dm-linear/ssd --layer ./dm-linear.ts`,
 * docs/adding-a-fix.md "Layer modules"), because it needs no mechanism the
 * model does not have: no role, no frame, no wait.
 *
 * Sources ([5.2.1]): drivers/md/dm.c: dm_make_request → __split_and_process_bio
 * → __clone_and_map_data_bio → __map_bio calls the target's map, and for
 * DM_MAPIO_REMAPPED submits the clone with generic_make_request, all in the
 * task that submitted the bio; drivers/md/dm-linear.c: linear_map →
 * linear_map_bio (bio_set_dev, bi_sector += start) returns DM_MAPIO_REMAPPED.
 * Completion: clone_endio → dec_pending → bio_endio of the original bio, in
 * the completing context (here: the model completes the request straight to
 * the filesystem that issued it, Kernel.complete).
 *
 * Not modelled: the clone comes from the mapped device's bioset
 * (alloc_tio → bio_alloc_bioset(GFP_NOIO)), a GFP_NOIO mempool allocation:
 * its reclaim never enters a filesystem or submits I/O, and the mempool makes
 * progress as the device's bios complete.
 *
 * @module
 */
import type { Domain } from '../../checker';
import { record } from '../../checker';
import type { Kernel, KState } from '../kernel';
import type { DaemonDecl, KAction, Shrinker } from '../core/layer';
import type { Req, TaskRef } from '../core/task';

/** What a layer module declares (specs: LayerModule): a remapping block layer and where it comes from. */
export interface RemapLayerDecl {
  /** The name used in stack strings, e.g. `dm-linear`. */
  readonly name: string;
  /** One line for `gfpcheck list layers` and messages. */
  readonly description: string;
  /** Presents the zoned-ness of the device below it (dm-linear: DM_TARGET_ZONED_HM), so that it may sit between dm-zoned and a zoned device. */
  readonly passesZoned?: boolean;
}

export class RemapLayer {
  readonly kind = 'block' as const;
  readonly name: string;
  constructor(
    private readonly k: Kernel,
    readonly index: number,
    readonly label: string,
    decl: RemapLayerDecl,
  ) {
    this.name = decl.name;
  }

  /** __map_bio: the target remaps the bio and generic_make_request passes it to the device below, in the submitter's context `ctx`. */
  submit(k: KState, req: Req, ctx: TaskRef | null): KState {
    return this.k.below(this.index).submit(k, req, ctx);
  }

  /** A remapped bio never waits in this layer. */
  locate(): null {
    return null;
  }

  domain(): Domain {
    return record({});
  }

  init(): Record<string, never> {
    return {};
  }

  daemons(): DaemonDecl[] {
    return [];
  }

  actions(): KAction[] {
    return [];
  }

  shrinkers(): Shrinker[] {
    return [];
  }

  format(): Record<string, unknown> {
    return {};
  }
}
