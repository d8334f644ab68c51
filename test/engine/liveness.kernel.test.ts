/**
 * Liveness of the kernel model (specs/liveness.ts): "every submitted I/O
 * eventually completes" and "every syscall eventually returns" under weak
 * fairness of each task.
 *
 * Finding: at every configuration measured (the 2019 stack write and read,
 * with tcmu-gfp-noio, io-flusher, both; xfs-backend; loop-ext4; ext4-ssd and
 * xfs-ssd, also with two writers) the reachable graph has no cycle, so no
 * livelock class exists: a futile retry (should_reclaim_retry with nothing
 * reclaimable, models/kernel.ts `slowpath`) is "no step", so the state is a
 * deadlock, reported by the deadlock check. The pins below say so, and a
 * mutant in which a futile reclaim pass does change state (a pass counter)
 * shows that such a loop would be found and named.
 */
import { check, CheckResult, Spec, State } from '../../checker/index';
import { buildFixedStackSpec } from '../../specs/fixes/spec';
import { ioInFlight, kernelLivelockClass, withKernelLiveness } from '../../specs/liveness';
import { gfpcheck } from '../cli/helpers';
import { livenessOf } from '../../specs/verify/run';

const statuses = (r: CheckResult) => Object.fromEntries(r.properties.filter((p) => p.kind === 'temporal').map((p) => [p.name, p.status]));
const stack2019 = (fixes: string[] = []) => buildFixedStackSpec({ stack: 'xfs/dm-zoned/tcmu/ext4/ssd', workload: 'write', params: {}, fixes });

describe('kernel liveness properties', () => {
  // 5,480 states, 10,409 edges, 9 classes before tcmu_cmdr_lock, tcmu_batch and flusher_block became defaults (issue 10)
  it('should hold on every behaviour of the 2019 stack that does not deadlock (5,303 states, 9,987 edges), the 10 deadlock classes unchanged', () => {
    const r = check(withKernelLiveness(stack2019()), { allViolations: true });
    expect([r.complete, r.stats.distinctStates, r.stats.liveness?.edges]).toEqual([true, 5303, 9987]);
    expect(statuses(r)).toEqual({ 'io-completes': 'holds', 'syscall-returns(writer/0)': 'holds' });
    expect(r.properties.find((p) => p.name === 'io-completes')?.note).toMatch(/does not deadlock/);
    // Decided by the acyclic path: no cycle, and every final state is one of the deadlocks (the workload never completes here).
    expect(r.stats.liveness).toMatchObject({ method: 'acyclic', finalStates: 0 });
    expect(r.stats.liveness?.fallback).toBeUndefined();
    // The verify column's wording: hangs only by deadlock.
    expect(livenessOf(r, 'safety')).toEqual({ liveness: 'deadlock-only' });
    expect(r.violations.map((v) => v.kind)).toEqual(Array(10).fill('deadlock'));
    // Same deadlock classes as the safety-only run.
    const safety = check(stack2019(), { allViolations: true });
    expect(r.violations.map((v) => v.class)).toEqual(safety.violations.map((v) => v.class));
  });

  it('should give each action to its task, kswapd, or a device of its own', () => {
    const spec = withKernelLiveness(stack2019());
    const proc = (name: string, i = 0): string => {
      const a = spec.actions.find((x) => x.name === name)!;
      const p = a.process as (x: unknown) => string;
      return p(a.params ? a.params[i] : undefined);
    };
    expect(proc('sys_pwrite')).toBe('writer/0');
    expect(proc('balance_pgdat', 1)).toBe('kswapd0');
    expect(proc('blk_mq_complete_request(ssd)')).toBe('blk_mq_complete_request(ssd)');
    expect(proc('tcmulib_get_next_command')).toBe('tcmu-runner');
    expect(proc('__alloc_pages_slowpath', 0)).toBe('writer/0');
  });

  it('should see I/O in flight while a page is under writeback or a request is queued', () => {
    const spec = stack2019();
    const s0 = spec.init()[0];
    expect(ioInFlight(s0)).toBe(false);
    const wb = { ...s0, L0: { ...(s0.L0 as object), pc: { clean: 0, dirty: 0, wb: 1, locked: 0 } } };
    expect(ioInFlight(wb)).toBe(true);
    const l1 = s0.L1 as { chunk: { q: unknown[]; n: number } };
    expect(ioInFlight({ ...s0, L1: { chunk: { ...l1.chunk, n: 1 } } })).toBe(true);
  });

  it('should name a livelock by the role@loop point of the tasks that move on its cycle', () => {
    const f = (fn: string) => ({ fn });
    const task = (stack: string[], extra = 0) => ({ sp: stack.length, stack: [...stack.map(f), f('-'), f('-')], cmd: { op: 'none' }, todo: extra });
    const tasks = [{ name: 'writer/0', role: 'app-writer' }, { name: 'kswapd0', role: 'kswapd' }];
    const a: State = { app: [task(['sys_pwrite', '__alloc_pages_slowpath'])], kt: { 0: task(['balance_pgdat', 'shrink_slab']) } };
    const b: State = { app: [task(['sys_pwrite', '__alloc_pages_slowpath'])], kt: { 0: task(['balance_pgdat', 'shrink_node']) } };
    expect(kernelLivelockClass([a, b], tasks)).toBe('kswapd@balance_pgdat');
    const c: State = { app: [task(['sys_pwrite', '__alloc_pages_slowpath'], 1)], kt: { 0: task([]) } };
    expect(kernelLivelockClass([a, c], tasks)).toBe('app-writer@__alloc_pages_slowpath + kswapd@top-level');
    expect(kernelLivelockClass([a], tasks)).toBe('stuttering');
    expect(kernelLivelockClass([a, a], tasks)).toBe('no task moves');
  });

  it('should find and name a livelock when a futile reclaim pass changes state (mutant with a pass counter)', () => {
    // Mutant of the 2019 stack with two syscalls (ios=2, to keep it small): whenever kswapd is idle and some task waits in the slow path, kswapd may run a
    // reclaim pass that frees nothing but flips a pass counter (kept in its otherwise unused `todo`): a
    // state-changing futile loop, the kind the real model abstracts as a blocked wait.
    const base = withKernelLiveness(buildFixedStackSpec({ stack: 'xfs/dm-zoned/tcmu/ext4/ssd', workload: 'write', params: { ios: '2' }, fixes: [] }));
    type T = { sp: number; todo: number; stack: { fn: string }[] };
    const inSlowpath = (k: State): boolean =>
      [...(k.app as T[]), ...Object.values(k.kt as Record<string, T>)].some((t) => t.stack.slice(0, t.sp).some((x) => x.fn === '__alloc_pages_slowpath'));
    const kswapd = Object.entries(base.init()[0].kt as Record<string, { flags: number }>).find(([, t]) => t.flags === 67)![0];
    const mutant: Spec<any> = {
      ...base,
      name: 'futile-kswapd-mutant',
      // a spec that adds an action extends the model's dispatch with it (MC206 otherwise)
      dispatch: (k, mark) => {
        base.dispatch!(k, mark);
        mark(base.actions.length, 0);
      },
      actions: [
        ...base.actions,
        {
          name: 'futile_pass',
          process: () => 'kswapd0',
          next: (k: State) => {
            const kt = k.kt as Record<string, T>;
            return inSlowpath(k) && kt[kswapd].sp === 0 ? { ...k, kt: { ...kt, [kswapd]: { ...kt[kswapd], todo: 1 - kt[kswapd].todo } } } : undefined;
          },
        },
      ],
    };
    const r = check(mutant, { allViolations: true });
    expect(r.status).toBe('violated');
    const lassos = r.violations.filter((v) => v.kind === 'temporal');
    expect(lassos.length).toBeGreaterThan(0);
    for (const v of lassos) {
      expect(v.loop).toBeDefined();
      expect(v.loopStep?.action).toBe('futile_pass');
    }
    expect([...new Set(lassos.map((v) => v.class))].sort()).toEqual(['kswapd@top-level']);
    // The acyclic path saw the cycle and handed over to the full search, which found the lassos.
    expect(r.stats.liveness?.method).toBe('full');
    expect(r.stats.liveness?.fallback).toMatch(/cycle/);
    expect(livenessOf(r, 'safety')).toEqual({ liveness: 'livelock', livelocks: ['kswapd@top-level'] });
    // 1,311 states (1,337 before the issue-10 defaults); both lassos: 18 steps to a state where a task waits in the slow path with kswapd idle, then two futile passes.
    expect([r.stats.distinctStates, lassos.map((v) => [v.property, v.trace.length, v.loop])]).toEqual([
      1311,
      [
        ['io-completes', 20, 18],
        ['syscall-returns(writer/0)', 20, 18],
      ],
    ]);
  });

  it('should check the properties by default on --stack, and leave them out with --no-liveness', async () => {
    const on = await gfpcheck(['check', '--stack', 'xfs-ssd', '--quiet']);
    expect(on.code).toBe(0);
    expect(on.out).toContain('  temporal io-completes: holds\n  temporal syscall-returns(writer/0): holds');
    expect(on.out).toContain('Temporal properties decided by the acyclic path');
    const explicit = await gfpcheck(['check', '--stack', 'xfs-ssd', '--liveness', '--quiet']);
    expect(explicit.out).toContain('  temporal io-completes: holds');
    const off = await gfpcheck(['check', '--stack', 'xfs-ssd', '--no-liveness', '--quiet']);
    expect(off.code).toBe(0);
    expect(off.out).not.toContain('temporal');
  });

  it('should hold on a fixed cell of the 2019 stack (xfs-async-inode-reclaim: 357 states, no deadlock, final states checked)', () => {
    const r = check(withKernelLiveness(stack2019(['xfs-async-inode-reclaim'])), { allViolations: true, symmetry: true });
    expect([r.status, r.stats.distinctStates, statuses(r)]).toEqual(['holds', 357, { 'io-completes': 'holds', 'syscall-returns(writer/0)': 'holds' }]);
    expect(r.stats.liveness?.method).toBe('acyclic');
    expect(r.stats.liveness?.finalStates).toBeGreaterThan(0);
    expect(livenessOf(r, 'safety')).toEqual({ liveness: 'holds' });
  });

  it('should decide two writers on the symmetry quotient, with the verdicts of the full symmetry-off search', () => {
    const spec = withKernelLiveness(buildFixedStackSpec({ stack: 'xfs/ssd', workload: 'write', params: { writers: '2' }, fixes: [] }));
    const quotient = check(spec, { allViolations: true, symmetry: true });
    const full = check(spec, { allViolations: true, symmetry: true, livenessMethod: 'full' });
    expect(quotient.stats.liveness?.method).toBe('acyclic');
    expect(quotient.stats.symmetry).toBe('exact (2 permutations)');
    expect(full.stats.symmetry).toBe('off (temporal properties)');
    expect(statuses(quotient)).toEqual(statuses(full));
    expect(Object.values(statuses(quotient))).toEqual(['holds', 'holds', 'holds']);
    expect(quotient.stats.distinctStates).toBeLessThan(full.stats.distinctStates);
    // The same states as the safety-only run: liveness costs no state.
    expect(quotient.stats.distinctStates).toBe(check(buildFixedStackSpec({ stack: 'xfs/ssd', workload: 'write', params: { writers: '2' }, fixes: [] }), { allViolations: true }).stats.distinctStates);
  });
});
