/**
 * The step primitives (models/core/task.ts, models/core/kernel.ts): the
 * one-copy forms build the same records as the compositions they replace,
 * and never write to their input.
 */
import fc from 'fast-check';
import { composeStack } from '../../../models/stack';
import { withKey } from '../../../models/core/kernel';
import { FrameSpec, NO_REQ, PF_MEMALLOC, PF_MEMALLOC_NOFS, PF_MEMALLOC_NOIO, Task, newTask, pop, popPush, popWith, push, setFrameN, withCmd, withIoDone, withTodo } from '../../../models/core/task';
import { KernelCore } from '../../../models/core/kernel';
import type { KState } from '../../../models/core/kernel';
import { FRAME_NAMES } from '../../../models/core/frames';

const DEPTH = 12;
const frameSpec = fc.record(
  {
    fn: fc.constantFrom(...FRAME_NAMES.slice(1, 40)),
    at: fc.integer({ min: 0, max: 4 }),
    n: fc.integer({ min: 0, max: 3 }),
    gfp: fc.integer({ min: 0, max: 255 }),
    scope: fc.constantFrom(0, PF_MEMALLOC, PF_MEMALLOC_NOFS, PF_MEMALLOC_NOIO, PF_MEMALLOC | PF_MEMALLOC_NOFS),
  },
  { requiredKeys: ['fn'] },
) as fc.Arbitrary<FrameSpec>;

/** A task reached by pushes from a fresh one, with its flags. */
const task = fc
  .tuple(fc.array(frameSpec, { maxLength: 6 }), fc.integer({ min: 0, max: 127 }), fc.integer({ min: 0, max: 4 }))
  .map(([frames, flags, todo]): Task => push(newTask(DEPTH, flags, todo), frames));

const deepFreeze = <T>(o: T): T => {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
};

describe('step primitives', () => {
  it('popPush = pop, then setFrameN of the new top, then push (fast-check, seeded)', () => {
    fc.assert(
      fc.property(task, fc.nat(), fc.array(frameSpec, { maxLength: 5 }), fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }), (t, c, frames, topN) => {
        const count = c % (t.sp + 1);
        fc.pre(t.sp - count + frames.length <= DEPTH);
        const input = deepFreeze(t);
        let want = pop(input, count);
        if (topN !== undefined && want.sp > 0) want = setFrameN(want, want.sp - 1, topN);
        want = push(want, frames);
        expect(popPush(input, count, frames, undefined, topN)).toEqual(want);
      }),
      { seed: 9, numRuns: 500 },
    );
  });

  it('popPush refuses an overflow and an underflow as pop and push do', () => {
    const t = push(newTask(3, 0, 0), [{ fn: 'vfs_write' }, { fn: 'new_sync_write' }]);
    expect(() => popPush(t, 3, [])).toThrow('call stack underflow popping 3 of 2');
    expect(() => popPush(t, 0, [{ fn: 'mutex_lock' }, { fn: 'schedule' }])).toThrow('call stack overflow (4 > 3) pushing mutex_lock,schedule');
  });

  it('push with scope bits from a rule = push with those bits in the frames', () => {
    fc.assert(
      fc.property(task, fc.array(frameSpec, { maxLength: 5 }), (t, frames) => {
        fc.pre(t.sp + frames.length <= DEPTH);
        const extra = (f: FrameSpec): number => (f.fn.length % 3 === 0 ? PF_MEMALLOC_NOFS : f.fn.length % 3 === 1 ? PF_MEMALLOC_NOIO : 0);
        const merged = frames.map((f) => ({ ...f, scope: (f.scope ?? 0) | extra(f) }));
        expect(push(deepFreeze(t), frames, extra)).toEqual(push(t, merged));
      }),
      { seed: 10, numRuns: 300 },
    );
  });

  it('withKey builds { ...o, [key]: v } with the same key order and leaves o alone', () => {
    const o = deepFreeze({ mm: { free: 1 }, app: [], kt: {}, L0: { a: 1 }, L1: { b: 2 } });
    const c = withKey(o, 'L1', { b: 3 });
    expect(c).toEqual({ ...o, L1: { b: 3 } });
    expect(Object.keys(c)).toEqual(Object.keys(o));
    expect(c.L0).toBe(o.L0);
    expect(o.L1).toEqual({ b: 2 });
  });

  it('pushFrames under a scope rule resolves it per frame, role and layer (lowerFsOnly)', () => {
    const { kernel: K, spec } = composeStack({
      stack: 'report-2019',
      config: { scopes: [{ frame: 'vfs_write', scope: 'NOFS', lowerFsOnly: true, why: 'test' }, { frame: 'vfs_write', scope: 'NOIO', role: 'tcmu-runner', why: 'test' }] },
    });
    const k = spec.init()[0];
    const runner = K.daemonRefs('tcmu-runner', 2)[0];
    const top = (fs: number) => K.task(K.pushFrames(k, runner, [{ fn: 'vfs_write', at: fs }]), runner);
    // layer 3 is ext4 (a lower filesystem): both rules; layer 0 is the top XFS: only the role's rule
    expect(top(3).flags & (PF_MEMALLOC_NOFS | PF_MEMALLOC_NOIO)).toBe(PF_MEMALLOC_NOFS | PF_MEMALLOC_NOIO);
    expect(top(0).flags & (PF_MEMALLOC_NOFS | PF_MEMALLOC_NOIO)).toBe(PF_MEMALLOC_NOIO);
    const writer = { w: 0 };
    const w = K.task(K.pushFrames(k, writer, [{ fn: 'vfs_write', at: 0 }, { fn: 'new_sync_write', at: 0 }]), writer);
    expect(w.flags & (PF_MEMALLOC_NOFS | PF_MEMALLOC_NOIO)).toBe(0);
    expect(w.stack[0].set).toBe(0);
  });
  it('popWith, withCmd, withIoDone, withTodo build the spreads they replace, in the same key order (fast-check, seeded)', () => {
    const req = { ...NO_REQ, op: 'write' as const, src: 'page' as const, wd: 2 };
    fc.assert(
      fc.property(task, fc.nat(), fc.boolean(), (t, c, done) => {
        const count = c % (t.sp + 1);
        const input = deepFreeze(t);
        const cases: [Task, Task][] = [
          [popWith(input, count, req), { ...pop(input, count), cmd: req }],
          [popWith(input, count, input.cmd, done), { ...pop(input, count), ioDone: done }],
          [popWith(input, count), pop(input, count)],
          [withCmd(input, req), { ...input, cmd: req }],
          [withIoDone(input, done), { ...input, ioDone: done }],
          [withTodo(input, 3), { ...input, todo: 3 }],
        ];
        for (const [got, want] of cases) {
          expect(got).toEqual(want);
          expect(Object.keys(got)).toEqual(Object.keys(want));
        }
      }),
      { seed: 11, numRuns: 300 },
    );
    expect(() => popWith(push(newTask(3, 0, 0), [{ fn: 'vfs_write' }]), 2)).toThrow('call stack underflow popping 2 of 1');
  });

  it('withVar, setField, setMm and setTask build the spreads they replace from the declared variables, and leave the state alone', () => {
    const { kernel: K, spec } = composeStack({ stack: 'report-2019', params: { writers: '2' } });
    const k = deepFreeze(spec.init()[0] as KState);
    const same = (got: object, want: object): void => {
      expect(got).toEqual(want);
      expect(Object.keys(got)).toEqual(Object.keys(want));
    };
    for (const key of Object.keys(k)) {
      const v = { x: 1 };
      const c = K.withVar(k, key, v) as unknown as Record<string, unknown>;
      same(c, { ...k, [key]: v });
      expect(c[key]).toBe(v);
      for (const other of Object.keys(k)) if (other !== key) expect(c[other]).toBe((k as unknown as Record<string, unknown>)[other]);
    }
    for (const key of Object.keys(k).filter((x) => x.startsWith('L'))) {
      const layer = (k as unknown as Record<string, Record<string, unknown>>)[key];
      for (const field of Object.keys(layer)) {
        const v = { y: 2 };
        const c = K.setField(k, key, field, v) as unknown as Record<string, Record<string, unknown>>;
        same(c, { ...k, [key]: { ...layer, [field]: v } });
        same(c[key], { ...layer, [field]: v });
      }
    }
    same(K.setMm(k, 0, 1), { ...k, mm: { ...k.mm, free: 0, reserve: 1 } });
    const v = withTodo(K.task(k, { w: 1 }), 0);
    same(K.setTask(k, { w: 1 }, v), { ...k, app: [k.app[0], v] });
    same(K.setTask(k, { d: 3 }, v), { ...k, kt: { ...k.kt, 3: v } });
    // a field the layer does not declare, and a kernel whose variables were never declared: the spreads themselves
    same(K.setField(k, 'L0', 'undeclared', 5), { ...k, L0: { ...k.L0, undeclared: 5 } });
    const bare = new KernelCore(K.cfg, K.bounds, 'write');
    same(bare.withVar(k, 'L1', 7), { ...k, L1: 7 });
    same(bare.setMm(k, 0, 0), { ...k, mm: { ...k.mm, free: 0, reserve: 0 } });
  });
});
