import { judgeTargets } from '../../specs/bench';

describe('bench: the issue-9 targets judged from a run', () => {
  const root = '/tree';
  it('lists every target without a measurement when no case ran', () => {
    const t = judgeTargets([], root);
    expect(t.map((x) => x.goal)).toEqual(['>= 10', '>= 10', '>= 10', '>= 10', '<= 10', 'a verdict from a complete search', '>= 2000000', '<= 16', '<= 0.3']);
    expect(t.every((x) => x.measured === undefined && x.met === undefined)).toBe(true);
  });
  it('takes the speed-up as the baseline median wall over this tree\'s, per case', () => {
    const rows = [
      { case: 'writers2-write-w1', root, wallSeconds: 2 },
      { case: 'writers2-write-w1', root: '/bfe', wallSeconds: 30 },
      { case: 'writers2-write-w1', root, wallSeconds: 4 },
      { case: 'writers2-write-w1', root: '/bfe', wallSeconds: 20 },
    ];
    const t = judgeTargets(rows, root).find((x) => x.target.startsWith('writers2-write-w1'))!;
    expect(t).toMatchObject({ measured: 8.33, met: false });
    const t2 = judgeTargets([...rows, { case: 'writers2-write-w1', root, wallSeconds: 1 }], root).find((x) => x.target.startsWith('writers2-write-w1'))!;
    expect(t2).toMatchObject({ measured: 12.5, met: true });
  });
  it('judges the counter, verify, writers=3 and start-up targets', () => {
    const rows = [
      { case: 'counter-1e7-w2', distinctPerSecond: 419128, bytesPerState: 15.08 },
      { case: 'verify-w2', root, wallSeconds: 51.2 },
      { case: 'writers3-pages5', root, exit: 0, result: 'incomplete', distinctStates: 100 },
      { case: 'help', root, wallSeconds: 0.14 },
    ];
    const byGoal = Object.fromEntries(judgeTargets(rows, root).filter((x) => x.measured !== undefined).map((x) => [x.target.split(':')[0] + x.goal, x.met]));
    expect(byGoal).toEqual({
      'counter-1e7-w2>= 2000000': false,
      'counter-1e7-w2<= 16': true,
      'verify-w2<= 10': false,
      'writers3-pages5 completes (result, distinct states)a verdict from a complete search': false,
      'help<= 0.3': true,
    });
  });
  it('does not count a violation found by an incomplete search as writers=3 completing', () => {
    const judged = (row: Record<string, unknown>) => judgeTargets([{ case: 'writers3-pages5', root, ...row }], root).find((x) => x.target.startsWith('writers3'))!;
    expect(judged({ exit: 11, result: 'violated', complete: false, distinctStates: 139367566 })).toMatchObject({ measured: 'violated (incomplete search), 139367566 states', met: false });
    expect(judged({ exit: 11, result: 'violated', complete: true, distinctStates: 139367566 })).toMatchObject({ measured: 'violated, 139367566 states', met: true });
  });
});
