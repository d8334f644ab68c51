/**
 * Kernel profiles (specs/profiles.ts): each profile composes to the deltas
 * its header names, fixes apply on top, an unknown profile is a usage error
 * (151) naming the known ones, and the profile rows are part of the gate.
 */
import { defaultKernelConfig, resolveConfig } from '../../models';
import { composeFixes, FIXES, findFix } from '../../specs/fixes';
import { buildFixedStackSpec, ProfileError } from '../../specs/fixes/spec';
import { composeProfile, MERGED, NOT_EXPRESSIBLE, PROFILES, profileNames, resolveProfile } from '../../specs/profiles';
import { formatExpectations, parseExpectations, rowLabel } from '../../specs/verify/expectations';
import type { Expectations } from '../../specs/verify/expectations';
import { gfpcheck } from '../cli/helpers';
import { subset, tempExpectations, verify } from './helpers';

jest.setTimeout(120_000);

const cfg = (profile: string, fixes: string[] = []) => resolveConfig(composeProfile(profile, fixes.map((f) => findFix(f)!)));

describe('specs/profiles.ts', () => {
  it('should know 3.16, 4.7, 5.2, 5.10, 5.15 and 6.14, oldest first', () => {
    expect(profileNames()).toEqual(['3.16', '4.7', '5.2', '5.10', '5.15', '6.14']);
  });

  it('should make 5.2 the v5.2 defaults exactly (the kernel of the report)', () => {
    expect(PROFILES['5.2']).toEqual([]);
    expect(cfg('5.2')).toEqual(defaultKernelConfig);
  });

  it('should give 5.10 the merged changes of its header and nothing else', () => {
    const c = cfg('5.10');
    expect(PROFILES['5.10']).toEqual(['loop-worker-noio', 'tcmu-gfp-noio', 'loop-worker-local-throttle', 'xfs-async-inode-reclaim', 'readahead-nofs']);
    expect(c).toEqual({
      ...defaultKernelConfig,
      kernel: 'v5.10',
      // loop-worker-noio (5.3) and PF_LESS_THROTTLE -> PF_LOCAL_THROTTLE (5.8)
      // (issue 11: a37b0715ddf3 renames nfsd's flag too)
      taskFlags: { ...defaultKernelConfig.taskFlags, 'loop-worker': ['PF_KTHREAD', 'PF_LOCAL_THROTTLE', 'PF_MEMALLOC_NOIO'], nfsd: ['PF_KTHREAD', 'PF_LOCAL_THROTTLE'] },
      // tcmu-gfp-noio
      allocSites: { ...defaultKernelConfig.allocSites, tcmu_alloc_cmd: 'GFP_NOIO', tcmu_get_empty_block: 'GFP_NOIO' },
      // xfs-async-inode-reclaim (5.9)
      xfsInodeReclaim: 'nonblocking',
      // readahead-nofs: memalloc_nofs_save in page_cache_ra_unbounded
      scopes: [{ frame: '__do_page_cache_readahead', scope: 'NOFS', why: expect.stringContaining('page_cache_ra_unbounded') }],
    });
  });

  it('should give 5.15 the 5.10 config plus deferred inactivation (ab23a7768739, 40b1de007aca)', () => {
    expect(PROFILES['5.15']).toEqual([...PROFILES['5.10'], 'xfs-deferred-inactivation']);
    expect(cfg('5.15')).toEqual({ ...cfg('5.10'), kernel: 'v5.15', xfsInactivation: 'inodegc' });
    expect(cfg('5.10').xfsInactivation).toBe('sync');
  });

  it('should give 6.14 the 5.15 config under its own label (the 6.14-only changes are not expressible yet)', () => {
    expect({ ...cfg('6.14'), kernel: 'v5.15' }).toEqual(cfg('5.15'));
    expect(cfg('6.14').kernel).toBe('v6.14');
    expect(NOT_EXPRESSIBLE['6.14'].map((n) => n.change).join('\n')).toMatch(/1080782f13e3[\s\S]*reclaim_throttle/);
  });

  it('should leave io-flusher out of every baseline (tcmu-runner never calls the prctl)', () => {
    for (const p of profileNames()) {
      expect(PROFILES[p]).not.toContain('io-flusher');
      expect(cfg(p).taskFlags['tcmu-runner']).toEqual([]);
    }
  });

  it('should apply a fix set on top of the profile, with the 5.8 rename applied last', () => {
    expect(cfg('5.10', ['io-flusher']).taskFlags['tcmu-runner']).toEqual(['PF_MEMALLOC_NOIO', 'PF_LOCAL_THROTTLE']);
    // loop-worker-noio's delta was written against v5.2 (PF_LESS_THROTTLE); on 5.10 the bit is PF_LOCAL_THROTTLE
    expect(cfg('5.10', ['loop-worker-noio']).taskFlags['loop-worker']).toEqual(['PF_KTHREAD', 'PF_LOCAL_THROTTLE', 'PF_MEMALLOC_NOIO']);
    expect(cfg('5.10', ['pagecache-nofs']).scopes.map((s) => s.frame)).toEqual(['__do_page_cache_readahead', 'grab_cache_page_write_begin', '__page_cache_alloc']);
  });

  it('should compose every fix on 5.2 exactly as before (the existing rows do not move)', () => {
    for (const f of FIXES) expect(composeProfile('5.2', [f])).toEqual(composeFixes([f]));
  });

  it('should resolve every entry of every profile, and declare each merged change with a KS citation', () => {
    for (const p of profileNames()) expect(resolveProfile(p).ok).toBe(true);
    for (const m of MERGED) expect(m.mechanism).toMatch(/kernel-semantics(-stacks)?\.md §/);
    expect(resolveProfile('4.19')).toEqual({ ok: false, error: 'unknown kernel profile "4.19"; known profiles: 3.16, 4.7, 5.2, 5.10, 5.15, 6.14' });
  });

  it("should label the stack spec's params with the kernel", () => {
    const spec = (kernel?: string) => buildFixedStackSpec({ stack: 'xfs/dm-zoned/tcmu/ext4/ssd', workload: 'write', params: {}, ...(kernel ? { kernel } : {}) });
    expect(spec().params).toMatchObject({ kernel: 'v5.2', fixes: 'none' });
    expect(spec('5.10').params).toMatchObject({ kernel: 'v5.10', fixes: 'none' });
    expect(spec('6.14').description).toContain('(v6.14)');
    expect(() => spec('5.4')).toThrow(ProfileError);
  });
});

describe('gfpcheck check --kernel', () => {
  it('should be a usage error (151) naming the known profiles for an unknown profile', async () => {
    const r = await gfpcheck(['check', '--stack', 'xfs/dm-zoned/tcmu/ext4/ssd', '--kernel', '5.4']);
    expect(r.code).toBe(151);
    expect(r.err).toContain('unknown kernel profile "5.4"; known profiles: 3.16, 4.7, 5.2, 5.10, 5.15, 6.14');
  });

  it('should be a usage error without --stack', async () => {
    const r = await gfpcheck(['check', 'diehard', '--kernel', '5.10']);
    expect(r.code).toBe(151);
  });

  it('should check the 2019 stack on 5.10 (no deadlock: XFS inode reclaim no longer waits) and show kernel=v5.10', async () => {
    const r = await gfpcheck(['check', '--stack', 'xfs/dm-zoned/tcmu/ext4/ssd', '--kernel', '5.10', '--quiet']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('kernel=v5.10');
    expect(r.out).toContain('357 distinct states found');
  });
});

describe('profile rows in the gate', () => {
  it('should label rows by kernel and fix set, and write the kernel field back', () => {
    expect(rowLabel({ fixes: [] })).toBe('none');
    expect(rowLabel({ kernel: '5.10', fixes: [] })).toBe('kernel 5.10');
    expect(rowLabel({ kernel: '5.10', fixes: ['io-flusher'] })).toBe('kernel 5.10 + io-flusher');
    const e = subset(['kernel 5.10'], ['2019-write']);
    expect(formatExpectations(e)).toContain('{ "kernel": "5.10", "fixes": [], "cells": {');
    expect(parseExpectations(formatExpectations(e))).toEqual({ ok: true, value: e });
  });

  it('should reject the same profile row twice', () => {
    const e = subset(['kernel 5.10'], ['2019-write']);
    const twice = { ...e, rows: [...e.rows, ...e.rows] } as Expectations;
    expect(parseExpectations(JSON.stringify(twice))).toEqual({ ok: false, error: 'rows[1]: the fix set [] on kernel 5.10 is listed twice' });
  });

  it('should pass on the committed profile rows and fail naming the profile cell when one changes', async () => {
    // the thread's route alone (2019-thread) keeps these runs to seconds
    const e = subset(['none', 'kernel 5.10', 'kernel 6.14'], ['2019-thread']);
    expect(e.rows.map(rowLabel)).toEqual(['none', 'kernel 5.10', 'kernel 6.14']);
    const ok = await verify({ expect: tempExpectations(e), quiet: true });
    expect(ok.code).toBe(0);
    const flipped = { ...e, rows: e.rows.map((r) => (r.kernel === '5.10' ? { ...r, cells: { '2019-thread': { verdict: 'deadlock', classes: ['tcmu-runner@xfs_buf_iowait'], states: 24 } } } : r)) } as Expectations;
    const bad = await verify({ expect: tempExpectations(flipped), quiet: true });
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('kernel 5.10 x 2019-thread (xfs/dm-zoned/tcmu/ext4/ssd, write): verdict deadlock [tcmu-runner@xfs_buf_iowait] -> holds; distinct states 24 -> 68');
  });

  it('should make an unknown profile in the expectations a usage error (151)', async () => {
    const e = subset(['kernel 5.10'], ['2019-write']);
    const r = await verify({ expect: tempExpectations({ ...e, rows: [{ ...e.rows[0], kernel: '5.4' }] }), quiet: true });
    expect(r.code).toBe(151);
    expect(r.err).toContain('expectations: unknown kernel profile "5.4"; known profiles: 3.16, 4.7, 5.2, 5.10, 5.15, 6.14');
  });
});
