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
      status: 'violation',
      property: 'FewSteps',
      kind: 'invariant',
      constants: '{}',
    });
    expect(trace.vars).toEqual(['tags', 'flags', 'owner', 'held', 'hist', 'n', 'mbt::actionTaken', 'mbt::nondetPicks']);
    expect(trace.states.map((s) => s['#meta'])).toEqual([{ index: 0 }, { index: 1 }, { index: 2 }]);
    // Quint's model-based-testing variables: the action taken and its nondeterministic pick
    const none = { tag: 'None', value: { '#tup': [] } };
    expect(trace.states.map((s) => [s['mbt::actionTaken'], s['mbt::nondetPicks']])).toEqual([
      ['init', { Acquire: none }],
      ['Acquire', { Acquire: { tag: 'Some', value: 0 } }],
      ['Tag', { Acquire: none }],
    ]);
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

  it('should render one trace object: the first violation, or a trace without states', () => {
    expect(JSON.parse(itfRenderer.render(report))).toEqual(itfTraces(report)[0]);
    const none = JSON.parse(itfRenderer.render({ ...report, result: 'holds', violations: [] }));
    expect(none).toMatchObject({ vars: [], states: [], '#meta': { status: 'holds', format: 'ITF' } });
    const two = { ...report, violations: [report.violations[0], { ...report.violations[0], property: 'Other' }] };
    expect(JSON.parse(itfRenderer.render(two))['#meta'].property).toBe('FewSteps');
  });

  it('should tag optional values consistently when the spec formats its own states', () => {
    // Arrange: no stateShape; `o` is null in the first state only
    const own = { ...report, stateShape: undefined, violations: [{ property: 'P', kind: 'invariant' as const, trace: [
      { step: 0, action: null, params: null, state: { o: null, r: { q: null }, l: [null, 2] } },
      { step: 1, action: 'A', params: null, state: { o: 3, r: { q: 'x' }, l: [1, null] } },
    ] }] };
    // Act
    const [t] = itfTraces(own);
    // Assert
    expect(t.states[1]).toMatchObject({ o: { tag: 'Some', value: 3 }, r: { q: { tag: 'Some', value: 'x' } }, l: [{ tag: 'Some', value: 1 }, { tag: 'None', value: { '#tup': [] } }] });
    expect(t['#meta'].varTypes).toMatchObject({ o: 'Some(Int) | None(UNIT)' });
  });

  it('should show bit masks as names in the JSON report too', () => {
    expect(report.violations[0].trace[2].state).toMatchObject({ tags: ['red', 'blue'], flags: ['PF_MEMALLOC'] });
    expect(report.stateShape).toMatchObject({ kind: 'record', fields: { tags: { kind: 'set' }, held: { kind: 'map' }, owner: { kind: 'option' } } });
  });
});
