/**
 * Issue 15, smaller defects: one stable label per deadlock class (the same in
 * the matrix of verify and main, in the mail format and in docs/fixes.md),
 * and the generated freezer freezes exactly what deepFreeze does.
 */
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import { array, bool, enumOf, int, mapOf, record } from '../../checker';
import { compileFreezer, deepFreeze } from '../../checker/compile';
import { classLabel, compareLabels, KNOWN_CLASSES } from '../../specs/verify/classes';
import { REPO } from '../cli/helpers';

describe('class labels', () => {
  const verdicts = JSON.parse(fs.readFileSync(path.join(REPO, 'specs', 'verdicts.json'), 'utf8')) as { rows: { cells: Record<string, { classes?: string[] }> }[] };
  const classes = [...new Set(verdicts.rows.flatMap((r) => Object.values(r.cells).flatMap((c) => c.classes ?? [])))];

  it('should give every class of specs/verdicts.json the label docs/fixes.md gives it', () => {
    const docs = fs.readFileSync(path.join(REPO, 'docs', 'fixes.md'), 'utf8');
    for (const c of classes) {
      const l = classLabel(c);
      expect(KNOWN_CLASSES.has(c)).toBe(true);
      expect(docs).toContain(`**${l}**`);
      expect(docs).toContain(`\`${c}\``);
    }
  });

  it('should depend only on the class string: distinct, stable, and hashed for unknown classes', () => {
    expect(new Set(classes.map(classLabel)).size).toBe(classes.length);
    expect(classLabel('tcmu-runner@xfs_buf_iowait')).toBe('R1');
    expect(classLabel('invariant NoLostWrite')).toMatch(/^X[0-9a-z]{4}$/);
    expect(classLabel('invariant NoLostWrite')).toBe(classLabel('invariant NoLostWrite'));
    expect(['T1', 'X00aa', 'N1', 'K10', 'K2', 'R1'].sort(compareLabels)).toEqual(['R1', 'K2', 'K10', 'T1', 'N1', 'X00aa']);
  });
});

describe('the generated freezer', () => {
  it('should freeze every object and array of a decoded state, as deepFreeze does (fast-check, seeded)', () => {
    const variables = {
      n: int(0, 3),
      flags: array(3, bool()),
      tasks: array(2, record({ st: enumOf(['a', 'b']), stack: array(2, int(0, 1)) })),
      per: mapOf('P', record({ x: int(0, 1) })),
    };
    const freeze = compileFreezer(variables);
    const gen = fc.record({
      n: fc.integer({ min: 0, max: 3 }),
      flags: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
      tasks: fc.array(fc.record({ st: fc.constantFrom('a', 'b'), stack: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 2, maxLength: 2 }) }), { minLength: 2, maxLength: 2 }),
      per: fc.array(fc.record({ x: fc.integer({ min: 0, max: 1 }) }), { minLength: 2, maxLength: 2 }),
    });
    const frozenNodes = (x: unknown, out: boolean[] = []): boolean[] => {
      if (typeof x === 'object' && x !== null) {
        out.push(Object.isFrozen(x));
        for (const v of Object.values(x)) frozenNodes(v, out);
      }
      return out;
    };
    fc.assert(
      fc.property(gen, (s) => {
        const a = freeze(structuredClone(s));
        const b = deepFreeze(structuredClone(s));
        expect(frozenNodes(a)).toEqual(frozenNodes(b));
        expect(frozenNodes(a).every((f) => f)).toBe(true);
      }),
      { seed: 15, numRuns: 50 },
    );
  });
});
