/**
 * The registry the CLI uses for `gfpcheck check <name> --const K=V`.
 */
import { check, isPacked } from '../../checker/index';
import { referenceSpecs } from '../../specs/reference';

describe('referenceSpecs', () => {
  it('should list every reference model', () => {
    expect(Object.keys(referenceSpecs).sort()).toEqual(['counter', 'counter-packed', 'diehard', 'peterson', 'philosophers', 'twophase']);
  });

  it.each(Object.entries(referenceSpecs))('should build %s with its defaults and check it without error', (_name, entry) => {
    // Act
    const spec = entry.build({});
    const r = check(spec, { maxStates: 100_000 });
    // Assert
    expect(r.status).not.toBe('error');
    expect(entry.description.length).toBeGreaterThan(0);
    for (const p of entry.params) expect(spec.params?.[p.name]).toBe(p.default);
  });

  it.each([
    ['twophase', { rm: 3 }, 'holds', 80],
    ['philosophers', { n: 3 }, 'violated', undefined],
    ['peterson', {}, 'holds', 20],
    ['diehard', {}, 'violated', undefined],
    ['counter', { k: 2, m: 3 }, 'holds', 9],
    ['counter-packed', { k: 2, m: 3 }, 'holds', 9],
  ])('should build %s from constants %j', (name, consts, status, states) => {
    const r = check(referenceSpecs[name].build(consts));
    expect(r.status).toBe(status);
    if (states !== undefined) expect(r.stats.distinctStates).toBe(states);
  });

  it('should build the packed counter with the packed API', () => {
    expect(isPacked(referenceSpecs['counter-packed'].build({}))).toBe(true);
    expect(isPacked(referenceSpecs.counter.build({}))).toBe(false);
  });

  it('should reject an unknown constant, naming it and the known ones', () => {
    expect(() => referenceSpecs.twophase.build({ n: 3 })).toThrow(/unknown constant 'n'.*rm/);
    expect(() => referenceSpecs.peterson.build({ n: 3 })).toThrow(/unknown constant 'n' \(constants: none\)/);
  });

  it.each([
    ['twophase', { rm: 0 }],
    ['twophase', { rm: 2.5 }],
    ['philosophers', { n: 0 }],
    ['counter', { m: 1 }],
    ['counter-packed', { k: 17 }],
    ['diehard', { big: -1 }],
  ])('should reject %s with out-of-range constants %j', (name, consts) => {
    expect(() => referenceSpecs[name].build(consts)).toThrow(RangeError);
  });
});
