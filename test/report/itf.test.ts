/**
 * The ITF renderer (Apalache ADR-015): trace shape and value encoding.
 */
import * as path from 'path';
import { check } from '../../checker';
import { buildReport, itfRenderer, itfTraces, toItfValue } from '../../checker/report';
import { spec as shapes } from '../cli/fixtures/shapes';

describe('toItfValue', () => {
  it.each([
    [5, 5],
    [2 ** 53 - 1, 2 ** 53 - 1],
    [2 ** 60, { '#bigint': '1152921504606846976' }],
    [-(2 ** 60), { '#bigint': '-1152921504606846976' }],
    [1.5, { '#unserializable': '1.5' }],
    ['s', 's'],
    [false, false],
    [null, { tag: 'None', value: { '#tup': [] } }],
    [[1, [2]], [1, [2]]],
    [{ a: { b: 1 } }, { a: { b: 1 } }],
  ])('%j → %j', (v, itf) => {
    expect(toItfValue(v)).toEqual(itf);
  });

  it('should follow the shape: sets, maps, options', () => {
    expect(toItfValue(['a', 'b'], { kind: 'set' })).toEqual({ '#set': ['a', 'b'] });
    expect(toItfValue([true, false], { kind: 'map', of: { kind: 'scalar' } })).toEqual({ '#map': [[0, true], [1, false]] });
    expect(toItfValue(1, { kind: 'option' })).toEqual({ tag: 'Some', value: 1 });
    expect(toItfValue(null, { kind: 'option' })).toEqual({ tag: 'None', value: { '#tup': [] } });
  });
});

describe('itf renderer', () => {
  // Arrange: a spec using sets, flags, a map over a symmetric domain, an optional id
  const result = check(shapes, { symmetry: false });
  const report = buildReport(result, { version: '0.0.0', spec: shapes, source: `module ${path.basename(__filename)}` });

  it('should write one trace per violation, with the ITF meta fields', () => {
    // Act
    const [trace] = itfTraces(report);
    // Assert
    expect(result.status).toBe('violated');
    expect(trace['#meta']).toMatchObject({
      format: 'ITF',
      'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html',
      source: 'module itf.test.ts',
      description: 'Counterexample: invariant FewSteps is violated in shapes',
      property: 'FewSteps',
      kind: 'invariant',
    });
    expect(trace.vars).toEqual(['tags', 'flags', 'owner', 'held', 'hist', 'n']);
    expect(trace.states.map((s) => s['#meta'])).toEqual([{ index: 0 }, { index: 1, action: 'Acquire', params: 0 }, { index: 2, action: 'Tag' }]);
  });

  it('should encode sets, flags, maps and options from the spec domains', () => {
    const [trace] = itfTraces(report);
    expect(trace.states[0]).toMatchObject({
      tags: { '#set': [] },
      flags: { '#set': [] },
      owner: { tag: 'None', value: { '#tup': [] } },
      held: { '#map': [[0, false], [1, false]] },
      hist: [0, 0],
      n: 0,
    });
    expect(trace.states[2]).toMatchObject({
      tags: { '#set': ['red', 'blue'] },
      flags: { '#set': ['PF_MEMALLOC'] },
      owner: { tag: 'Some', value: 0 },
      held: { '#map': [[0, true], [1, false]] },
      hist: [1, 0],
      n: 2,
    });
  });

  it('should render one object for one violation and an array otherwise', () => {
    expect(Array.isArray(JSON.parse(itfRenderer.render(report)))).toBe(false);
    expect(JSON.parse(itfRenderer.render({ ...report, violations: [] }))).toEqual([]);
    expect(JSON.parse(itfRenderer.render({ ...report, violations: [report.violations[0], report.violations[0]] }))).toHaveLength(2);
  });

  it('should show bit masks as names in the JSON report too', () => {
    expect(report.violations[0].trace[2].state).toMatchObject({ tags: ['red', 'blue'], flags: ['PF_MEMALLOC'] });
    expect(report.stateShape).toMatchObject({ kind: 'record', fields: { tags: { kind: 'set' }, held: { kind: 'map' }, owner: { kind: 'option' } } });
  });
});
