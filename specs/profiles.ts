/**
 * Kernel profiles: which merged changes are part of the baseline
 * (`--kernel 5.2|5.10|5.15|6.14`, a `kernel` field in specs/verdicts.json).
 *
 * A profile is a named list of KernelConfig deltas on the v5.2 defaults of
 * models/core/config.ts, not separate code: the fixes of specs/fixes where they ARE
 * the merged change, plus small named deltas (`MERGED`, below) for merged
 * changes that are not one of the eleven proposals. Every delta uses an
 * existing knob only. `composeProfile` composes a profile's deltas first, then
 * a fix set on top (`composeFixes`, same rules), and sets the `kernel` label.
 *
 * Sources: /work/shared/reference/kernel-semantics.md (KS below).
 *
 * - **3.16**, **4.7** (issue 11, for the loopback-NFS case only): nfs_release_page waits for a COMMIT
 *   without bound (<= 3.17) / at most 1 s (3.18–4.7); every other mechanism is v5.2's (NOT_EXPRESSIBLE).
 * - **5.2** (the kernel of the 2019 report, the default): none.
 * - **5.10** ([5.10.7] in KS):
 *   - `loop-worker-noio` — d0a255e795ab, Linux 5.3 (KS §6.5, §11);
 *   - `tcmu-gfp-noio` — GFP_NOIO in tcmu_alloc_cmd / tcmu_get_empty_block,
 *     present in 5.10.7, exact release unconfirmed (KS §8.5);
 *   - `loop-worker-local-throttle` — a37b0715ddf3, Linux 5.8: PF_LESS_THROTTLE
 *     becomes PF_LOCAL_THROTTLE (KS §6.4, §6.5);
 *   - `xfs-async-inode-reclaim` — Linux 5.9 (KS §4.9);
 *   - `readahead-nofs` — the 2020 readahead rework: page_cache_ra_unbounded()
 *     runs under memalloc_nofs_save() (KS §5.4).
 *   - NOT in the baseline: `io-flusher`. PR_SET_IO_FLUSHER exists from Linux
 *     5.6 (KS §7.1) but tcmu-runner never calls it (KS §7.3); apply it on top
 *     with `--kernel 5.10 --fix io-flusher`.
 * - **5.15** ([5.15.135] in KS part 2): the 5.10 deltas, plus
 *   - `xfs-deferred-inactivation` — ab23a7768739 and 40b1de007aca, Linux 5.15
 *     (5.15-rc1; not 5.14: the series was posted 2021-08-04, after the 5.14
 *     merge window, and announced "for 5.15"): xfs_inactive runs in the
 *     xfs-inodegc worker; the evicting task waits for the worker once the
 *     inodegc shrinker was hit (KS part 2 §4.5). It acts only with the
 *     `xfs_log` path on, so without it the 5.15 cells equal the 5.10 ones.
 * - **6.14** ([6.14] in KS): the 5.15 deltas. What else 6.14 has, and what the
 *   model assumes about it:
 *   - xfs_inodegc_want_flush_work tests PF_MEMALLOC_NOFS instead of
 *     current->journal_info (KS part 2 §4.5): the same in the model, where no
 *     reclaimer that reaches super_cache_scan is in a transaction or a NOFS
 *     scope (super_cache_scan needs __GFP_FS);
 *   - XFS inode reclaim goes through xfs_icwalk(XFS_ICWALK_RECLAIM), still
 *     non-blocking; the xfs_inodegc shrinker only queues work and returns
 *     SHRINK_STOP (KS §4.9): same as `xfsInodeReclaim: 'nonblocking'`;
 *   - the loop worker sets PF_LOCAL_THROTTLE | PF_MEMALLOC_NOIO around
 *     loop_process_work instead of for the thread's lifetime (KS §6.5): the
 *     model's loop worker only ever runs work, so the same task flags;
 *   - the readahead NOFS scope and the page-cache write path are unchanged
 *     (KS §5.3 item 6, §5.4); PR_SET_IO_FLUSHER is identical (KS §7.2);
 *   - NOT expressible (`NOT_EXPRESSIBLE` below): 1080782f13e3 (GFP_NOIO for
 *     every tcmu command-path allocation, KS §8.5) beyond the two sites the
 *     model has (both already GFP_NOIO through tcmu-gfp-noio), and
 *     reclaim_throttle() replacing congestion_wait (KS §4.3).
 *   So the 6.14 profile composes to the same config as 5.15 with another
 *   label; its cells differ from 5.15 only once the knobs above exist.
 *
 * Adding a merged change to a profile is one line: its name (or delta) in
 * `PROFILES` (declare the delta in `MERGED` first if it is not a fix).
 *
 * @module
 */
import { Map as ImmutableMap, OrderedMap, OrderedSet } from 'immutable';
import type { KernelConfig, Role, TaskFlag } from '../models';
import { defaultKernelConfig } from '../models';
import { composeFixes, findFix } from './fixes';
import type { Fix } from './fixes';

/**
 * A merged kernel change that is not one of the proposals: a Fix-shaped delta,
 * plus task-flag renames applied after the whole composition (a flag that no
 * longer exists in that kernel becomes its new name, in every role, whichever
 * fix added it: a fix written against v5.2 that sets PF_LESS_THROTTLE sets
 * PF_LOCAL_THROTTLE on 5.8+).
 */
export interface MergedChange extends Fix {
  readonly renameTaskFlags?: Readonly<Partial<Record<TaskFlag, TaskFlag>>>;
}

/** Merged changes that are not one of the eleven proposals (existing knobs only). */
export const MERGED: readonly MergedChange[] = [
  {
    name: 'loop-worker-local-throttle',
    title: "PF_LESS_THROTTLE replaced by PF_LOCAL_THROTTLE (the loop worker's flag, Linux 5.8)",
    proposedBy: 'NeilBrown',
    where: 'mm/writeback: replace PF_LESS_THROTTLE with PF_LOCAL_THROTTLE, a37b0715ddf3 (v3 2020-04-16)',
    mechanism:
      'include/linux/sched.h, mm/page-writeback.c: the bit is renamed and balance_dirty_pages() free-runs a PF_LOCAL_THROTTLE task while its own ' +
      'wb is below its freerun ceiling (no more +25% bonus); the loop worker and PR_SET_IO_FLUSHER set it (kernel-semantics.md §6.4, §6.5)',
    merged: 'Linux 5.8 (a37b0715ddf3)',
    modelNote:
      'a rename of the task flag (taskFlags); balance_dirty_pages in the model (models/kernel.ts: dirtyThrottled) lets a PF_LOCAL_THROTTLE task free-run while its own wb is within the limit, and ignores PF_LESS_THROTTLE (its +25% bonus is below the model\'s one-page resolution)',
    delta: {},
    renameTaskFlags: { PF_LESS_THROTTLE: 'PF_LOCAL_THROTTLE' },
  },
  {
    name: 'readahead-nofs',
    title: 'memalloc_nofs_save() around page_cache_ra_unbounded() (the 2020 readahead rework, in 5.10)',
    proposedBy: 'Matthew Wilcox (readahead rework)',
    where: 'mm/readahead.c: page_cache_ra_unbounded(), present in 5.10.7, absent in 5.2.1',
    mechanism:
      'mm/readahead.c: page_cache_ra_unbounded() wraps the whole readahead in memalloc_nofs_save(), because locked not-yet-submitted pages are in the ' +
      'page cache; its page allocations drop __GFP_FS whatever the mapping mask (kernel-semantics.md §5.4)',
    merged: 'the 2020 readahead rework (in 5.10.7)',
    modelNote:
      'a NOFS scope on __do_page_cache_readahead, the 5.2 frame that 5.10 splits into do_page_cache_ra → page_cache_ra_unbounded; the no_cached_page fallback after a failed __GFP_NORETRY readahead (page_cache_alloc(mapping) and ->readpage\'s bio) is outside the scope, in 5.10 as in the model',
    delta: { scopes: [{ frame: '__do_page_cache_readahead', scope: 'NOFS', why: 'readahead-nofs (5.10): memalloc_nofs_save in page_cache_ra_unbounded' }] },
  },
  {
    name: 'xfs-deferred-inactivation',
    title: 'XFS deferred inode inactivation (inodegc): xfs_inactive runs in a per-cpu worker, Linux 5.15',
    proposedBy: 'Dave Chinner, Darrick J. Wong',
    where:
      'xfs: per-cpu deferred inode inactivation queues, ab23a7768739 (with c6c2066db396 "xfs: move xfs_inactive call to xfs_inode_mark_reclaimable" and ' +
      '40b1de007aca "xfs: throttle inode inactivation queuing on memory reclaim"; series posted 2021-08-04, merged for 5.15-rc1)',
    mechanism:
      'fs/xfs/xfs_super.c: xfs_fs_destroy_inode → fs/xfs/xfs_icache.c: xfs_inode_mark_reclaimable → xfs_inodegc_queue (llist_add to the per-cpu list, queue the ' +
      'xfs-inodegc worker) and, when xfs_inodegc_want_flush_work (shrinker_hits > 0, or > 256 queued; never in a transaction), flush_work: the evicting task waits ' +
      'for the worker; xfs_inodegc_worker → xfs_inodegc_inactivate → xfs_inactive with the same log reservation and waits; xfs_inodegc_shrinker_scan bumps ' +
      'shrinker_hits and kicks the workers, never waits (kernel-semantics-stacks.md §4.5, kernel-semantics.md §4.9)',
    merged: 'Linux 5.15 (ab23a7768739, 40b1de007aca)',
    modelNote:
      "xfsInactivation: 'inodegc' (models/fs/xfs.ts): acts only with the xfs_log path on (the log path is what inactivation waits on); one CPU, so one queue; " +
      'the > 256-inode backlog cannot be reached at the model\'s bounds; shrinker_hits is kept as 0/1',
    delta: { xfsInactivation: 'inodegc' },
  },
  // Issue 11: the loopback-NFS behaviour of older releases (kernel-semantics-stacks.md §1.4), each the state of
  // one mechanism in that release as a delta on v5.2. The historic profiles that use them ('3.16', '4.7')
  // change ONLY the mechanisms the catalogue's cases read (docs/catalogue.md): every other mechanism is v5.2's.
  {
    name: 'nfs-releasepage-commit-wait',
    title: 'nfs_release_page sends a COMMIT and waits for it without bound (Linux <= 3.17)',
    proposedBy: '(the behaviour before the 2014 loop-back NFS series)',
    where: '[3.15.5], [3.16] fs/nfs/file.c: nfs_release_page → nfs_commit_inode(mapping->host, FLUSH_SYNC) when (gfp & GFP_KERNEL) == GFP_KERNEL and !PF_FSTRANS',
    mechanism:
      'fs/nfs/file.c: nfs_release_page on a PagePrivate (UNSTABLE) page sends a COMMIT and sleeps until it is answered; kswapd sends it without waiting (kernel-semantics-stacks.md §1.4)',
    merged: 'the behaviour of Linux <= 3.17',
    modelNote: 'KernelConfig.nfsReleasePage = commit-wait; models/fs/nfs.ts runs ->releasepage in the reclaim pass\'s shrinker slot',
    delta: { nfsReleasePage: 'commit-wait' },
  },
  {
    name: 'nfs-releasepage-commit-timeout',
    title: 'nfs_release_page starts a COMMIT and waits at most 1 s (Linux 3.18 - 4.7)',
    proposedBy: 'NeilBrown (the 2014 loop-back NFS series)',
    where: '[3.18.30], [4.6.2], [4.7.4] fs/nfs/file.c: nfs_release_page → nfs_commit_inode(mapping->host, 0), then wait_on_page_bit_killable_timeout(page, PG_private, HZ) unless the bdi is write-congested',
    mechanism: 'fs/nfs/file.c: the reclaimer starts a COMMIT and sleeps at most one second for it (kernel-semantics-stacks.md §1.4)',
    merged: 'Linux 3.18 (the 2014 series); replaced in 4.8 by 4f52b6bb',
    modelNote: 'KernelConfig.nfsReleasePage = commit-timeout: a bounded sleep is a delay in an untimed model, so the reclaimer sends the COMMIT and goes on',
    delta: { nfsReleasePage: 'commit-timeout' },
  },
];

/** A kernel change of a profile: a fix's name, a `MERGED` name, or an inline change. */
export type ProfileEntry = string | MergedChange;

/** The kernel profiles, oldest first. Each is a list of changes applied in order to the v5.2 defaults. */
export const PROFILES: Readonly<Record<string, readonly ProfileEntry[]>> = {
  // issue 11: historic profiles for the loopback-NFS case only (see MERGED): every other mechanism is v5.2's
  '3.16': ['nfs-releasepage-commit-wait'],
  '4.7': ['nfs-releasepage-commit-timeout'],
  '5.2': [],
  '5.10': ['loop-worker-noio', 'tcmu-gfp-noio', 'loop-worker-local-throttle', 'xfs-async-inode-reclaim', 'readahead-nofs'],
  '5.15': ['loop-worker-noio', 'tcmu-gfp-noio', 'loop-worker-local-throttle', 'xfs-async-inode-reclaim', 'readahead-nofs', 'xfs-deferred-inactivation'],
  '6.14': ['loop-worker-noio', 'tcmu-gfp-noio', 'loop-worker-local-throttle', 'xfs-async-inode-reclaim', 'readahead-nofs', 'xfs-deferred-inactivation'],
};

/**
 * Profiles built for one catalogue case only (issue 11: loopback NFS); every mechanism they do not name is
 * v5.2's, so `gfpcheck main` leaves their rows out of the 2019 matrix (verify still runs and pins them).
 */
export const CASE_PROFILES: readonly string[] = ['3.16', '4.7'];

/** The profile used when none is named: the kernel of the 2019 report. */
export const DEFAULT_PROFILE = '5.2';

/**
 * Merged changes that the model cannot express yet, per profile, with the
 * knob that is missing (docs/fixes.md, "Kernel profiles").
 */
export const NOT_EXPRESSIBLE: Readonly<Record<string, readonly { change: string; missing: string }[]>> = {
  '3.16': [
    { change: 'throttle_vm_writeout() at the end of each reclaim pass (<= 4.8, kernel-semantics-stacks.md §1.6)', missing: 'not modelled: no catalogue case needed it (see docs/catalogue.md)' },
    { change: 'everything else in 3.16 that differs from 5.2 (loop without PF_LESS_THROTTLE before b2ee7d46befc, 4.13; XFS, allocator)', missing: 'the profile is for the loopback-NFS case only; other mechanisms are v5.2' },
  ],
  '4.7': [
    { change: 'throttle_vm_writeout() at the end of each reclaim pass (<= 4.8, kernel-semantics-stacks.md §1.6)', missing: 'not modelled: no catalogue case needed it (see docs/catalogue.md)' },
    { change: 'everything else in 4.7 that differs from 5.2', missing: 'the profile is for the loopback-NFS case only; other mechanisms are v5.2' },
  ],
  '5.2': [],
  '5.10': [],
  '5.15': [],
  '6.14': [
    {
      change: '1080782f13e3: GFP_NOIO for every tcmu command-path allocation, incl. TMR and xarray stores under cmdr_lock (KS §8.5)',
      missing:
        'the model\'s command path allocates only in tcmu_alloc_cmd and tcmu_get_empty_block, which tcmu-gfp-noio already makes GFP_NOIO; ' +
        'the TMR path and the xarray stores are not modelled, so the change adds nothing the model could see',
    },
    {
      change: 'reclaim_throttle(VMSCAN_THROTTLE_*) with bounded timeouts, skipped for PF_KTHREAD (KS §4.3)',
      missing: 'reclaim congestion/isolation throttling (too_many_isolated, wait_iff_congested) is not modelled at all',
    },
  ],
};

/** The known profile names, oldest first. */
export const profileNames = (): string[] => Object.keys(PROFILES);

/** The label a profile gives the model (`KernelConfig.kernel`, shown as `kernel=` in the spec's params). */
export const profileLabel = (name: string): string => `v${name}`;

/** The changes of a profile, resolved; an unknown profile or change name is an error listing what exists. */
export function resolveProfile(name: string): { ok: true; changes: MergedChange[] } | { ok: false; error: string } {
  const entries = Object.prototype.hasOwnProperty.call(PROFILES, name) ? PROFILES[name] : undefined;
  if (!entries) return { ok: false, error: `unknown kernel profile "${name}"; known profiles: ${profileNames().join(', ')}` };
  const changes: MergedChange[] = [];
  for (const e of entries) {
    const c = typeof e === 'string' ? (MERGED.find((m) => m.name === e) ?? findFix(e)) : e;
    if (!c) return { ok: false, error: `kernel profile ${name}: unknown change "${String(e)}"` };
    changes.push(c);
  }
  return { ok: true, changes };
}

/**
 * The delta of a profile with a fix set on top: the profile's changes first,
 * then the fixes (composeFixes), then the profile's flag renames, and the
 * kernel label. Throws for an unknown profile (callers check with
 * resolveProfile first).
 */
export function composeProfile(name: string, fixes: readonly Fix[] = []): Partial<KernelConfig> {
  const r = resolveProfile(name);
  if (!r.ok) throw new Error(r.error);
  const all = [...r.changes, ...fixes.filter((f) => !r.changes.some((c) => c.name === f.name))];
  const out: Record<string, unknown> = { ...composeFixes(all) };
  // the renames of every change, a later change's winning
  const renames = r.changes.reduce((m, c) => m.merge(ImmutableMap<TaskFlag, TaskFlag>(Object.entries(c.renameTaskFlags ?? {}) as [TaskFlag, TaskFlag][])), ImmutableMap<TaskFlag, TaskFlag>());
  if (renames.size) {
    const composed = (out.taskFlags ?? {}) as Partial<Record<Role, readonly TaskFlag[]>>;
    const roles = OrderedSet([...Object.keys(defaultKernelConfig.taskFlags), ...Object.keys(composed)] as Role[]);
    // each role's flags (composed, else the v5.2 ones) renamed, first-seen order, no repeats
    out.taskFlags = OrderedMap(roles.toArray().map((role) => [role, OrderedSet((composed[role] ?? defaultKernelConfig.taskFlags[role] ?? []).map((f) => renames.get(f, f))).toArray()])).toObject();
  }
  if (name !== DEFAULT_PROFILE) out.kernel = profileLabel(name);
  return out as Partial<KernelConfig>;
}
