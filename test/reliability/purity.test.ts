/**
 * Issue 15, defect 2: impure actions. The record API hands actions deeply
 * frozen states on a sample of states (a mutation throws MC203 naming the
 * action), and elsewhere fresh copies that are encoded again after the actions
 * ran (a change is MC203 naming the action); every action is
 * re-evaluated on a deterministic sample of states and on every state of a
 * reported trace (a difference is MC203 naming the action and the state);
 * the error is exit 150 with the trace up to that state.
 */
import * as path from 'path';
import { check, int } from '../../checker';
import type { Spec } from '../../checker';
import { gfpcheck } from '../cli/helpers';

const F = (name: string): string => path.join(__dirname, 'fixtures', name);

describe('impure actions are spec errors (MC203, exit 150), never holds', () => {
  it.each([
    ['random.ts', /action Roll is not deterministic .* evaluated twice on state \{"x":\d,"n":\d\}/],
    ['mutateUndefined.ts', /action Touch mutated its input state .*State: \{"x":0,"y":0\}/],
    ['mutateTrace.ts', /action IncX mutated its input state/],
    ['closureCounter.ts', /action StepY is not deterministic .* evaluated twice on state \{"x":0,"y":1\}, it was enabled, then disabled/],
    ['mutateSloppy.js', /an action mutated its input state: evaluated on a copy of \{"x":0,"y":0\}, it changed it to \{"x":1,"y":0\}/],
  ])('%s', async (file, message) => {
    const r = await gfpcheck(['check', F(file), '--format', 'json']);
    const report = JSON.parse(r.out);
    expect(r.code).toBe(150);
    expect(report.result).toBe('error');
    expect(report.error.code).toBe('MC203');
    expect(report.error.message).toMatch(message);
    expect(report.error.trace?.[0]).toMatchObject({ step: 0, action: null });
  });

  it('should print the trace up to the state in text', async () => {
    const r = await gfpcheck(['check', F('mutateTrace.ts')]);
    expect(r.code).toBe(150);
    expect(r.out).toMatch(/Error code MC203[\s\S]*Error: The behavior up to this point is:\nState 1: <Initial predicate>/);
  });

  it('should hand actions a deeply frozen state', () => {
    const seen: unknown[] = [];
    const spec: Spec<{ a: readonly number[]; r: { n: number } }> = {
      name: 'frozen',
      variables: { a: { kind: 'array', of: int(0, 1), length: 2 } as never, r: { kind: 'record', fields: { n: int(0, 1) } } as never },
      init: () => [{ a: [0, 0], r: { n: 0 } }],
      actions: [{ name: 'Look', next: (s) => (seen.push(s), undefined) }],
      checkDeadlock: false,
    };
    const r = check(spec, { store: { kind: 'exact' } });
    expect(r.status).toBe('holds');
    const s = seen[0] as { a: number[]; r: { n: number } };
    expect([Object.isFrozen(s), Object.isFrozen(s.a), Object.isFrozen(s.r)]).toEqual([true, true, true]);
  });

  it('should catch a nondeterministic action on a sampled state beyond the first 256 (one in 64)', () => {
    let calls = 0;
    const spec: Spec<{ x: number }> = {
      name: 'late',
      variables: { x: int(0, 999) },
      init: () => [{ x: 0 }],
      // deterministic for a while, then flips on every call
      actions: [{ name: 'Step', next: (s) => (s.x < 999 ? { x: s.x + 1 + (++calls > 600 ? calls % 2 : 0) } : undefined) }],
      checkDeadlock: false,
    };
    const r = check(spec, { store: { kind: 'exact' } });
    expect(r.status).toBe('error');
    expect(r.error?.code).toBe('MC203');
    expect(r.error?.message).toMatch(/action Step is not deterministic/);
  });

  it('should catch a mutation of the input on an unfrozen state beyond the sample, naming the action', () => {
    // x = 301 is expanded 302nd: after the first 256, and 301 % 64 != 0, so its copy is not frozen
    const spec: Spec<{ x: number; r: { y: number } }> = {
      name: 'lateMutation',
      variables: { x: int(0, 999), r: { kind: 'record', fields: { y: int(0, 1) } } as never },
      // y = 1: a record with a non-zero leaf decodes to a fresh, unfrozen object (one of zeros is a shared frozen one, below)
      init: () => [{ x: 0, r: { y: 1 } }],
      actions: [
        { name: 'Step', next: (s) => (s.x < 999 ? { ...s, x: s.x + 1 } : undefined) },
        {
          name: 'Poke',
          next: (s) => {
            if (s.x === 301) (s.r as { y: number }).y = 0; // mutation: the bug
            return undefined;
          },
        },
      ],
      checkDeadlock: false,
    };
    const r = check(spec, { store: { kind: 'exact' } });
    expect(r.status).toBe('error');
    expect(r.error?.code).toBe('MC203');
    expect(r.error?.message).toMatch(/^action Poke mutated its input state: evaluated on a copy of \{"x":301,"r":\{"y":1\}\}, it changed it to \{"x":301,"r":\{"y":0\}\}/);
    expect(r.error?.trace?.length).toBe(302);
    // the same write to a record whose words are all zero: it is the layout's shared frozen object, so the write throws at once
    const zero: Spec<{ x: number; r: { y: number } }> = {
      ...spec,
      init: () => [{ x: 0, r: { y: 0 } }],
      actions: [spec.actions[0], { name: 'Poke', next: (s) => ((s.x === 301 ? ((s.r as { y: number }).y = 1) : 0), undefined) }],
    };
    const z = check(zero, { store: { kind: 'exact' } });
    expect(z.error?.code).toBe('MC203');
    expect(z.error?.message).toMatch(/^action Poke mutated its input state \(Cannot assign to read only property 'y'/);
    expect(z.error?.trace?.length).toBe(302);
  });

  it('should re-evaluate the last state of a deadlock (a bogus deadlock is MC203)', () => {
    let calls = 0;
    const spec: Spec<{ x: number }> = {
      name: 'bogus',
      variables: { x: int(0, 3) },
      init: () => [{ x: 0 }],
      // disabled exactly on the search's evaluations of x = 2 (calls 3 and 4), enabled afterwards
      actions: [{ name: 'Inc', next: (s) => (++calls === 3 || calls === 4 ? undefined : { x: (s.x + 1) % 4 }) }],
    };
    const r = check(spec, { store: { kind: 'exact' }, checkPurity: false });
    expect(r.status).toBe('error');
    expect(r.error?.code).toBe('MC203');
    expect(r.error?.message).toMatch(/action Inc is not deterministic/);
  });

  it('should leave pure specs alone (same result with and without the purity check)', () => {
    const spec: Spec<{ x: number; y: number }> = {
      name: 'pure',
      variables: { x: int(0, 20), y: int(0, 20) },
      init: () => [{ x: 0, y: 0 }],
      actions: [
        { name: 'X', next: (s) => (s.x < 20 ? { ...s, x: s.x + 1 } : undefined) },
        { name: 'Y', next: (s) => (s.y < 20 ? { ...s, y: s.y + 1 } : undefined) },
      ],
      invariants: [{ name: 'no', holds: (s) => s.x + s.y < 39 }],
    };
    const a = check(spec, { store: { kind: 'exact' }, clock: () => 0 });
    const b = check(spec, { store: { kind: 'exact' }, checkPurity: false, clock: () => 0 });
    expect(a).toEqual(b);
    expect(a.status).toBe('violated');
  });
});
