/**
 * `dm-linear`: device-mapper's linear target, as a layer module of the
 * user's own (docs/adding-a-fix.md, "Layer modules"):
 * `gfpcheck check --stack xfs/dm-linear/dm-zoned/tcmu/ext4/ssd --layer ./docs/examples/dm-linear.ts`.
 *
 * drivers/md/dm-linear.c (v5.2): linear_map → linear_map_bio sets the bio's
 * device to the one below (bio_set_dev) and adds the table's start sector,
 * and returns DM_MAPIO_REMAPPED; drivers/md/dm.c: __map_bio then submits the
 * clone with generic_make_request, in the context of the task that
 * submitted the bio. The target has no thread, queue, lock or shrinker, and
 * its `.features` include DM_TARGET_ZONED_HM: it may map a host-managed
 * zoned device, and is then zoned itself. That is exactly a remapping layer
 * (models/block/remap.ts), so the module only declares it.
 *
 * @module
 */
import type { LayerModule } from 'gfpcheck';

export const dmLinear: LayerModule = {
  name: 'dm-linear',
  kind: 'remap',
  description: 'device-mapper linear target: remaps each bio to the device below in the submitter\'s context',
  source: 'drivers/md/dm-linear.c: linear_map, linear_map_bio (v5.2); drivers/md/dm.c: __map_bio → generic_make_request',
  passesZoned: true,
};
