/**
 * Liveness on reference models whose answers are known (TLC gives the same):
 * - Peterson's starvation freedom holds under weak fairness of each process
 *   and fails without fairness (a process stops right after setting its flag:
 *   one step, then stuttering);
 * - dining philosophers (left fork first): "holding the left fork leads to
 *   eating" fails under weak fairness for n >= 3 (a neighbour keeps eating, so
 *   the right fork is free only now and then) and holds under strong
 *   fairness, on the behaviours that do not deadlock.
 * Also: lasso shapes in every format, exit 13, never "holds" after an
 * incomplete search or an undecidable one, symmetry switched off, and bad
 * fairness declarations as MC204.
 */
import { check, CheckResult, eventually, int, leadsTo, mapOf, Spec, weakFairness } from '../../checker/index';
import { buildReport } from '../../checker/report/report';
import { renderText } from '../../checker/report/text';
import { itfTrace } from '../../checker/report/itf';
import { exitCodeForReport } from '../../checker/cli/exitCodes';
import { renderMail } from '../../specs/report/mail';
import { peterson, philosophers } from '../../specs/reference';
import { gfpcheck } from '../cli/helpers';
import { lassoProblem, naiveLiveness } from '../helpers/naiveLiveness';

const shape = (r: CheckResult) =>
  r.violations.filter((v) => v.kind === 'temporal').map((v) => ({
    property: v.property,
    steps: v.trace.map((t) => (t.action === null ? 'init' : `${t.action} ${String(t.params)}`)),
    loop: v.loop,
    closing: v.loopStep?.action === null ? 'stuttering' : `${v.loopStep?.action} ${String(v.loopStep?.params)}`,
  }));
const statuses = (r: CheckResult) => Object.fromEntries(r.properties.filter((p) => p.kind === 'temporal').map((p) => [p.name, p.status]));

describe('Peterson starvation freedom', () => {
  it('should hold under weak fairness of each process (20 states, as the safety check)', () => {
    for (const store of [{ kind: 'exact' as const }, { kind: 'fingerprint' as const }]) {
      const r = check(peterson({ fairness: 'weak' }), { store });
      expect([r.status, r.complete, r.stats.distinctStates]).toEqual(['holds', true, 20]);
      expect(statuses(r)).toEqual({ 'StarvationFree(p0)': 'holds', 'StarvationFree(p1)': 'holds' });
      expect(r.stats.liveness?.edges).toBe(34);
    }
    expect(naiveLiveness(peterson({ fairness: 'weak' }))).toEqual({ 'StarvationFree(p0)': 'holds', 'StarvationFree(p1)': 'holds' });
  });

  it('should be violated without fairness: SetFlag, then stuttering', () => {
    const r = check(peterson({ fairness: 'none' }), { allViolations: true });
    expect(r.status).toBe('violated');
    expect(shape(r)).toEqual([
      { property: 'StarvationFree(p0)', steps: ['init', 'SetFlag p0'], loop: 1, closing: 'stuttering' },
      { property: 'StarvationFree(p1)', steps: ['init', 'SetFlag p1'], loop: 1, closing: 'stuttering' },
    ]);
    for (const v of r.violations) expect(lassoProblem(peterson({ fairness: 'none' }), v)).toBeUndefined();
  });

  it('should leave the safety-only spec and its pins alone', () => {
    const r = check(peterson(), {});
    expect(r.properties.map((p) => p.kind)).toEqual(['invariant', 'deadlock', 'witness', 'witness']);
    expect(r.stats.liveness).toBeUndefined();
  });
});

describe('dining philosophers progress', () => {
  it('should fail under weak fairness with a neighbour eating in a cycle, and hold under strong fairness (n = 3, 14 states)', () => {
    const weak = check(philosophers({ n: 3, fairness: 'weak' }), { allViolations: true });
    expect(weak.stats.distinctStates).toBe(14);
    expect(statuses(weak)).toEqual({ 'Progress(p0)': 'violated', 'Progress(p1)': 'violated', 'Progress(p2)': 'violated' });
    expect(shape(weak)[0]).toEqual({ property: 'Progress(p0)', steps: ['init', 'TakeLeft p0', 'TakeLeft p1', 'TakeRight p1'], loop: 1, closing: 'PutDown p1' });
    for (const v of weak.violations.filter((x) => x.kind === 'temporal')) expect(lassoProblem(philosophers({ n: 3, fairness: 'weak' }), v)).toBeUndefined();
    // The deadlock is still reported, first.
    expect(weak.violations[0].kind).toBe('deadlock');
    const strong = check(philosophers({ n: 3, fairness: 'strong' }), { allViolations: true });
    expect(statuses(strong)).toEqual({ 'Progress(p0)': 'holds', 'Progress(p1)': 'holds', 'Progress(p2)': 'holds' });
    expect(strong.properties.find((p) => p.name === 'Progress(p0)')?.note).toMatch(/does not deadlock/);
    for (const f of ['weak', 'strong', 'none'] as const) {
      for (const n of [2, 3, 4]) {
        const r = check(philosophers({ n, fairness: f }), { allViolations: true });
        expect([f, n, statuses(r)]).toEqual([f, n, naiveLiveness(philosophers({ n, fairness: f }))]);
      }
    }
  });

  it('should give the same verdicts and equally short lassos under DFS (the prefix comes from a BFS over the recorded graph)', () => {
    for (const f of ['weak', 'strong'] as const) {
      const bfs = check(philosophers({ n: 4, fairness: f }), { allViolations: true });
      const dfs = check(philosophers({ n: 4, fairness: f }), { allViolations: true, strategy: 'dfs' });
      expect(statuses(dfs)).toEqual(statuses(bfs));
      expect(shape(dfs).map((x) => x.loop)).toEqual(shape(bfs).map((x) => x.loop));
    }
  });

  it('should leave the temporal properties unknown when the search stops at the deadlock', () => {
    const r = check(philosophers({ n: 3, fairness: 'strong' }), {});
    expect(r.violations.map((v) => v.kind)).toEqual(['deadlock']);
    expect(Object.values(statuses(r))).toEqual(['unknown', 'unknown', 'unknown']);
    expect(exitCodeForReport(buildReport(r, { version: 't' }))).toBe(11);
  });
});

describe('lasso output', () => {
  const weak = check(philosophers({ n: 3, fairness: 'weak' }), { checkDeadlock: false });
  const report = buildReport(weak, { version: 't', spec: philosophers({ n: 3, fairness: 'weak' }) });

  it('should print TLC wording with the "Back to state" marker, and exit 13', () => {
    const text = renderText(report);
    expect(text).toContain('Error: Temporal properties were violated.\nProperty: Progress(p0)\nError: The following behavior constitutes a counter-example:\nState 1: <Initial predicate>');
    expect(text).toContain('State 4: <TakeRight p1>');
    expect(text).toContain('Back to state 2: <PutDown p1>');
    expect(exitCodeForReport(report)).toBe(13);
  });

  it('should carry the loop index in JSON and ITF, and the cycle in the mail', () => {
    const v = report.violations[0];
    expect([v.loop, v.loopStep]).toEqual([1, { action: 'PutDown', params: 'p1' }]);
    expect(JSON.parse(JSON.stringify(report)).violations[0].loop).toBe(1);
    const itf = itfTrace(report, v);
    expect([itf.states.length, itf.loop]).toEqual([4, 1]);
    const mail = renderMail(report);
    expect(mail).toContain('Lasso: 1 step from the initial state, then a cycle of 3 steps repeated\nforever:');
    expect(mail).toContain('  1. p0: TakeLeft\n  -- the cycle starts here --\n  2. p1: TakeLeft\n  3. p1: TakeRight\n  4. p1: PutDown\n  -- back to the state after step 1 --');
    for (const l of mail.split('\n')) expect(l.length).toBeLessThanOrEqual(72);
  });

  it('should exit 13 from the command line, 152 when incomplete, 0 with --no-liveness', async () => {
    const bad = await gfpcheck(['check', 'specs/reference/peterson.ts', '--const', 'fairness=none', '--quiet']);
    expect(bad.code).toBe(13);
    expect(bad.out).toContain('State 3: Stuttering');
    const cut = await gfpcheck(['check', 'specs/reference/peterson.ts', '--const', 'fairness=weak', '--quiet', '--max-states', '10']);
    expect(cut.code).toBe(152);
    expect(cut.out).toContain('temporal StarvationFree(p0): unknown (not checked: the search was incomplete)');
    const off = await gfpcheck(['check', 'specs/reference/peterson.ts', '--const', 'fairness=none', '--quiet', '--no-liveness']);
    expect(off.code).toBe(0);
    expect(off.out).toContain('temporal StarvationFree(p0): not checked');
  });
});

describe('soundness guards', () => {
  /** A chain x: 0..3999, Inc; <>(x = 3999) holds under WF(Inc). */
  const chain: Spec<{ x: number }> = {
    name: 'chain',
    variables: { x: int(0, 3999) },
    init: () => [{ x: 0 }],
    actions: [{ name: 'Inc', next: (s) => (s.x < 3999 ? { x: s.x + 1 } : undefined) }],
    checkDeadlock: false,
    properties: [eventually('reaches the end', (s) => s.x === 3999)],
    fairness: [weakFairness({ action: 'Inc' })],
  };

  it('should never say holds when the compact store omitted states (edges to unknown states)', () => {
    expect(check(chain, {}).status).toBe('holds');
    const r = check(chain, { store: { kind: 'compact', bits: 8 }, capacity: 2 ** 13 });
    expect(r.status).not.toBe('holds');
    expect(statuses(r)).toEqual({ 'reaches the end': 'unknown' });
  });

  it('should decide on the exact store past its first growth (the edge map keys are taken before the store rehashes)', () => {
    const long: Spec<{ x: number }> = { ...chain, variables: { x: int(0, 9999) }, actions: [{ name: 'Inc', next: (s) => (s.x < 9999 ? { x: s.x + 1 } : undefined) }], properties: [eventually('reaches the end', (s) => s.x === 9999)] };
    for (const store of [{ kind: 'exact' as const }, { kind: 'fingerprint' as const }]) {
      const r = check(long, { store });
      expect([store.kind, r.status, r.stats.liveness?.edges]).toEqual([store.kind, 'holds', 9999]);
    }
  });

  it('should switch symmetry off for temporal properties and say so', () => {
    // Two interchangeable counters; process i increments counter i; <>(both at 2) holds under WF of each process.
    const sym: Spec<{ c: readonly number[] }> = {
      name: 'sym',
      symmetric: { p: 2 },
      variables: { c: mapOf('p', int(0, 2)) },
      init: () => [{ c: [0, 0] }],
      actions: [{ name: 'Inc', params: [0, 1], process: (i: number) => `p${i}`, next: (s, i: number) => (s.c[i] < 2 ? { c: s.c.map((v, j) => (j === i ? v + 1 : v)) } : undefined) }],
      checkDeadlock: false,
      properties: [leadsTo('p0 finishes', (s) => s.c[0] < 2, (s) => s.c[0] === 2)],
      fairness: [weakFairness({ process: 'p0' })],
    };
    const r = check(sym, {});
    expect([r.status, r.stats.distinctStates, r.stats.symmetry]).toEqual(['holds', 9, 'off (temporal properties)']);
    expect(check(sym, { liveness: false }).stats.distinctStates).toBe(6);
  });

  it('should reject fairness on an unknown action or process with MC204', () => {
    const r = check({ ...chain, fairness: [weakFairness({ action: 'Nope' })] }, {});
    expect([r.status, r.error?.code]).toEqual(['error', 'MC204']);
    expect(r.error?.message).toContain('fairness names action "Nope"');
    const p = check({ ...chain, fairness: [weakFairness({ process: 'q' })] }, {});
    expect(p.error?.message).toContain('fairness names process "q"');
  });
});
