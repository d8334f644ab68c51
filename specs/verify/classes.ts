/**
 * One stable label per deadlock class, used everywhere a class is named
 * short: the verdict matrix of `verify` and `main`, the mail format and
 * docs/fixes.md. A label depends only on the class string, never on which
 * classes a run happens to find or in what order, so "R1" means the same
 * class in every output and on a mailing list.
 *
 * The classes docs/fixes.md describes have the mnemonic labels used there
 * (R: the reported one, K: kswapd in the XFS shrinker, T: the tcm_loop
 * kworker reclaiming into XFS, L: the loop worker, N: only with
 * tcmu-gfp-noio); any other class (or a violated invariant, `invariant X`)
 * gets `X` and four base-36 digits of a hash of its string.
 *
 * @module
 */

/** The classes docs/fixes.md describes, with their labels. */
export const KNOWN_CLASSES: ReadonlyMap<string, string> = new Map([
  ['tcmu-runner@xfs_buf_iowait', 'R1'],
  ['kswapd@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)', 'K1'],
  ['kswapd@xfs_buf_iowait + tcmu-runner@throttle_direct_reclaim', 'K2'],
  ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)', 'K3'],
  ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock) + tcmu-runner@mutex_lock(cmdr_lock)', 'K4'],
  ['tcm_loop-kworker@xfs_buf_iowait + tcmu-runner@mutex_lock(cmdr_lock)', 'T1'],
  ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock) + tcm_loop-kworker@xfs_buf_iowait', 'T2'],
  ['tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock) + tcmu-runner@xfs_buf_iowait', 'T3'],
  ['tcm_loop-kworker@xfs_buf_iowait + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)', 'T4'],
  // issue 10, tcmu_cmdr_lock (on by default): T1 with the second kworker asleep on cmdr_lock, and K3 likewise
  ['tcm_loop-kworker@mutex_lock(cmdr_lock) + tcm_loop-kworker@xfs_buf_iowait', 'T5'],
  ['kswapd@xfs_buf_iowait + tcm_loop-kworker@mutex_lock(cmdr_lock) + tcm_loop-kworker@mutex_lock(pag_ici_reclaim_lock)', 'K5'],
  ['kswapd@xfs_buf_iowait + loop-worker@mutex_lock(pag_ici_reclaim_lock)', 'L1'],
  ['kswapd@xfs_buf_iowait + tcm_loop-kworker@__alloc_pages_slowpath + tcmu-runner@mutex_lock(pag_ici_reclaim_lock)', 'N1'],
  ['kswapd@xfs_buf_iowait + tcm_loop-kworker@__alloc_pages_slowpath + tcmu-runner@throttle_direct_reclaim', 'N2'],
  ['tcm_loop-kworker@__alloc_pages_slowpath + tcmu-runner@xfs_buf_iowait', 'N3'],
  // issue 11, the catalogue (docs/catalogue.md): B: the nbd server, F: FUSE, D: loopback NFS (KS-stacks' D1)
  ['nbd-server@xfs_buf_iowait', 'B1'],
  ['kswapd@xfs_buf_iowait + nbd-server@mutex_lock(pag_ici_reclaim_lock)', 'B2'],
  ['kswapd@xfs_buf_iowait + nbd-server@throttle_direct_reclaim', 'B3'],
  ['flusher@__alloc_pages_slowpath + fuse-daemon@__alloc_pages_slowpath', 'F1'],
  ['nfsd@nfs_commit_inode(FLUSH_SYNC)', 'D1'],
]);

/** FNV-1a, 32 bits, over the UTF-16 code units. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The label of a class: its docs/fixes.md label, else `X` + 4 base-36 digits of its hash. */
export function classLabel(cls: string): string {
  const known = KNOWN_CLASSES.get(cls);
  if (known !== undefined) return known;
  return `X${(fnv1a(cls) % 36 ** 4).toString(36).padStart(4, '0')}`;
}

/** Orders labels R1, K1..K5, T1..T5, L1, N1..N3, B1..B3, F1, D1, then the hashed ones. */
export function compareLabels(a: string, b: string): number {
  const rank = (l: string): number => {
    const i = 'RKTLNBFD'.indexOf(l[0]);
    return i < 0 ? 99 : i;
  };
  return rank(a) - rank(b) || a.localeCompare(b, 'en', { numeric: true });
}

/** The name of the witness whose absence makes a deadlock inevitable (models/stack.ts). */
export const COMPLETION_WITNESS = 'workload-completes';

/**
 * True when a complete search found a deadlock and never reached the
 * completion witness: no execution completes the workload at these bounds,
 * so the deadlock is not merely reachable but inevitable (every execution
 * deadlocks, or runs without ever completing).
 */
export function deadlockInevitable(r: { readonly complete: boolean; readonly properties: readonly { name: string; status: string }[]; readonly violations: readonly { kind: string }[] }): boolean {
  return (
    r.complete &&
    r.violations.some((v) => v.kind === 'deadlock') &&
    r.properties.some((p) => p.name === COMPLETION_WITNESS && p.status === 'unreached')
  );
}
