/**
 * The JSON report: the field contract, explanations merged into violations,
 * and reading a saved report back.
 */
import { check, CheckResult } from '../../checker';
import { buildReport, parseReport } from '../../checker/report';
import { dieHard } from '../../specs/reference';

function withExplain(explain: Record<string, unknown>): CheckResult {
  const r = check(dieHard(), {});
  return { ...r, violations: r.violations.map((v) => ({ ...v, class: 'c1', explain })) };
}

describe('buildReport', () => {
  it('should keep the contract fields in order, and never rename them', () => {
    const report = buildReport(check(dieHard(), {}), { version: '1.2.3' });
    expect(Object.keys(report).slice(0, 9)).toEqual(['tool', 'version', 'spec', 'params', 'result', 'complete', 'stats', 'properties', 'violations']);
    expect(Object.keys(report.violations[0])).toEqual(['property', 'kind', 'trace']);
  });

  it("should merge the spec's explanation into the violation, after the class", () => {
    const report = buildReport(withExplain({ cycle: ['a', 'b'], note: 'x' }), { version: '1' });
    expect(report.violations[0]).toMatchObject({ property: 'NotSolved', kind: 'invariant', class: 'c1', cycle: ['a', 'b'], note: 'x' });
  });

  it('should keep an explanation that uses a core field name whole under "explain"', () => {
    const report = buildReport(withExplain({ trace: 'mine', cycle: [] }), { version: '1' });
    expect(report.violations[0].trace).not.toBe('mine');
    expect(report.violations[0].explain).toEqual({ trace: 'mine', cycle: [] });
  });

  it('should give the states left on queue: 0 after a complete search, the frontier after an early stop', () => {
    expect(buildReport(check(dieHard({ goal: 99 }), {}), { version: '1' }).stats.queue).toBe(0);
    expect(buildReport(check(dieHard(), {}), { version: '1' }).stats.queue).toBe(2);
  });
});

describe('parseReport', () => {
  it('should read back what buildReport wrote', () => {
    const report = buildReport(check(dieHard(), {}), { version: '1', spec: dieHard() });
    expect(parseReport(JSON.stringify(report))).toEqual({ ok: true, value: report });
  });

  it.each([
    ['[]', 'not a JSON object'],
    ['{"tool":"gfpcheck","result":"maybe"}', 'unknown "result" "maybe"'],
    ['{"tool":"gfpcheck","result":"holds","spec":"s","version":"1","complete":true,"stats":{},"params":{},"properties":[],"violations":[{}]}', 'field "violations" is missing or has a violation without a trace'],
  ])('should reject %s', (text, error) => {
    expect(parseReport(text)).toEqual({ ok: false, error });
  });
});
