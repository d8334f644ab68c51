/**
 * `nofs-mount-option`: a mount option on the lower filesystem forcing NOFS
 * page-cache allocations.
 *
 * Damien Le Moal: "One simple hack would be an fcntl() or mount option to
 * tell the FS to use GFP_NOFS unconditionally, but avoiding the bug would
 * mean making sure that the applications or system setup is correct. So not
 * so safe." Not done (kernel-semantics.md §5.2, §12.4).
 *
 * @module
 */
import type { Fix } from './types';

export const nofsMountOption: Fix = {
  name: 'nofs-mount-option',
  title: 'a mount option on the lower filesystem forcing NOFS page-cache allocations',
  proposedBy: 'Damien Le Moal',
  where: 'reply of 2019-07-27 ("an fcntl() or mount option to tell the FS to use GFP_NOFS unconditionally")',
  mechanism:
    'the filesystem mounted with the option clears __GFP_FS from the mapping mask of its inodes at setup (as xfs_setup_inode does), so its ' +
    'page-cache allocations are NOFS; the administrator sets it on the filesystem holding the backing file (kernel-semantics.md §5.2, §12.4)',
  modelNote:
    'the option is set on every filesystem below the top of the stack (KernelConfig.lowerFsMappingClear); on an unstacked filesystem it is not set, ' +
    'so the cost witness measures the setup where the administrator got it right. Applications writing to the lower filesystem itself would lose __GFP_FS too',
  delta: { lowerFsMappingClear: ['__GFP_FS'] },
};
