/**
 * Layer contract: every named stack (so every layer) has a deterministic
 * initial state, pure and deterministic actions (frozen input, same output
 * twice), and stays inside its declared domains (the engine reports MC201
 * otherwise). Explored here with a small independent BFS.
 */
import { check } from '../../checker';
import { buildStackSpec, listStacks } from '../../models';
import { deepFreeze } from './helpers';

// issue 11: fuse and nfs model the write workload only (their read paths go to the daemon; a StackError says so)
const cases = listStacks().flatMap((s) => (/^(fuse|nfs)\//.test(s.stack) ? (['write'] as const) : (['write', 'read'] as const)).map((w) => [s.name, w] as const));

describe.each(cases)('layer contract of %s (%s workload)', (stack, workload) => {
  const spec = buildStackSpec({ stack, workload, params: { ios: '2' } });

  it('should have one deterministic initial state', () => {
    expect(spec.init()).toHaveLength(1);
    expect(JSON.stringify(spec.init())).toBe(JSON.stringify(spec.init()));
  });

  it('should have pure, deterministic actions on every reachable state', () => {
    const seen = new Set<string>();
    const queue = [deepFreeze(spec.init()[0])];
    seen.add(JSON.stringify(queue[0]));
    let expanded = 0;
    while (queue.length > 0 && expanded < 400) {
      const s = queue.shift()!;
      expanded++;
      const before = JSON.stringify(s);
      for (const a of spec.actions) {
        for (const p of a.params ?? [undefined]) {
          const n1 = a.next(s, p); // throws on mutation of the frozen state
          const n2 = a.next(s, p);
          if (n1 === undefined || n2 === undefined) {
            expect(n2).toBe(n1);
            continue;
          }
          expect(JSON.stringify(n1)).toBe(JSON.stringify(n2));
          if (n1 !== undefined) {
            const key = JSON.stringify(n1);
            if (!seen.has(key)) {
              seen.add(key);
              queue.push(deepFreeze(n1));
            }
          }
        }
      }
      expect(JSON.stringify(s)).toBe(before); // the state itself is frozen: nothing above changed it
      // formatters never throw and return JSON-able data
      expect(() => JSON.stringify(spec.formatState!(s))).not.toThrow();
    }
    expect(expanded).toBeGreaterThan(5);
  });

  it('should stay inside its declared domains and conserve pages (engine check)', () => {
    const r = check(spec, { allViolations: true });
    expect(r.error).toBeUndefined();
    expect(r.status).not.toBe('error');
    expect(r.properties.find((p) => p.name === 'pages-are-conserved')!.status).toBe('holds');
  });
});
