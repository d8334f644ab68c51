/**
 * ITF conformance: every trace gfpcheck writes (reference models, the shapes
 * fixture, --all-violations, a passing run) is valid against a JSON Schema
 * written from Apalache ADR-015 (test/report/itf.schema.json), and is read by
 * the ITF reader of the @informalsystems/quint package (`ofItf`, quint/src/itf.ts),
 * whose values we compare with ours.
 */
import Ajv from 'ajv';
import { check } from '../../checker';
import type { AnySpec } from '../../checker';
import { buildReport, itfRenderer, itfTraces } from '../../checker/report';
import type { Report } from '../../checker/report';
import { itfFiles, itfNoTrace } from '../../checker/report/itf';
import { dieHard, peterson, philosophers, twoPhase } from '../../specs/reference';
import { spec as shapes } from '../cli/fixtures/shapes';
import { build } from '../cli/fixtures/factory';
import { spec as throws } from '../cli/fixtures/throws';
import schema from './itf.schema.json';
// The reader itself: quint's package index pulls in its parser; quint/src/itf.ts does not.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const quintItf = require('@informalsystems/quint/dist/src/itf') as {
  ofItf(t: unknown): QuintEx[];
  ACTION_TAKEN: string;
  NONDET_PICKS: string;
};

type QuintEx = { kind: string; value?: unknown; opcode?: string; args?: QuintEx[]; name?: string };

const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

const reports: [string, Report][] = (
  [
    ['diehard', dieHard({}), {}],
    ['philosophers n=3', philosophers({ n: 3 }), {}],
    ['twophase all violations', twoPhase({ rm: 3 }), { allViolations: true }],
    ['peterson (holds)', peterson(), {}],
    ['shapes', shapes, { symmetry: false }],
    ['shapes, all violations', shapes, { allViolations: true }],
    ['factory, two invariants violated', build({ n: 5, limit: 3, avoid: 2 }), { allViolations: true }],
    ['an action that throws (MC202)', throws, {}],
  ] as [string, AnySpec, object][]
).map(([name, spec, o]) => [name, buildReport(check(spec, { store: { kind: 'exact' }, ...o }), { version: '0.0.0', spec, source: name })]);

/** A Quint expression back to plain JSON (ints as numbers), to compare with what we wrote. */
function plain(e: QuintEx): unknown {
  switch (e.kind) {
    case 'int':
      return Number(e.value as bigint);
    case 'bool':
    case 'str':
      return e.value;
    case 'name':
      return { unserializable: e.name };
    case 'app': {
      const args = (e.args ?? []).map(plain);
      if (e.opcode === 'Rec') return Object.fromEntries(Array.from({ length: args.length / 2 }, (_, i) => [args[2 * i], args[2 * i + 1]]));
      if (e.opcode === 'List') return args;
      if (e.opcode === 'Set') return { set: args };
      if (e.opcode === 'Tup') return { tup: args };
      if (e.opcode === 'Map') return { map: args.map((p) => (p as { tup: unknown[] }).tup) };
      if (e.opcode === 'variant') return { variant: args };
      throw new Error(`unexpected opcode ${e.opcode}`);
    }
    default:
      throw new Error(`unexpected kind ${e.kind}`);
  }
}

describe('ITF conformance (ADR-015 schema, Quint reader)', () => {
  it.each(reports)('%s: the printed trace is one valid trace object that Quint reads', (_name, report) => {
    // Act
    const trace = JSON.parse(itfRenderer.render(report));
    // Assert: one object, valid against the schema
    expect(Array.isArray(trace)).toBe(false);
    const ok = validate(trace);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // every state defines every variable (ADR-015), including Quint's MBT variables
    for (const s of trace.states) expect(Object.keys(s).sort()).toEqual(['#meta', ...trace.vars].sort());
    if (report.violations.length > 0) expect(trace.vars.slice(-2)).toEqual([quintItf.ACTION_TAKEN, quintItf.NONDET_PICKS]);
    // Quint's reader: one record per state, with the variables' values
    const exprs = quintItf.ofItf(trace);
    expect(exprs).toHaveLength(trace.states.length);
    exprs.forEach((e, i) => {
      const rec = plain(e) as Record<string, unknown>;
      expect(Object.keys(rec).sort()).toEqual([...trace.vars].sort());
      expect(rec[quintItf.ACTION_TAKEN]).toBe((report.violations[0]?.trace ?? report.error?.trace ?? [])[i].action ?? 'init');
    });
  });

  it.each(reports.filter(([, r]) => r.violations.length > 1))('%s: every violation is a valid trace of its own (--out-dir)', (_name, report) => {
    const files = itfFiles(report);
    expect(files).toHaveLength(report.violations.length);
    expect(new Set(files.map((f) => f.name)).size).toBe(files.length);
    for (const f of files) {
      const t = JSON.parse(f.text);
      expect(validate(t)).toBe(true);
      expect(quintItf.ofItf(t)).toHaveLength(t.states.length);
    }
    expect(files.map((f) => JSON.parse(f.text)['#meta'].property)).toEqual(report.violations.map((v) => v.property));
  });

  it('should write #meta fields as strings, and varTypes in Apalache type syntax', () => {
    const [, report] = reports.find(([n]) => n === 'shapes')!;
    const [trace] = itfTraces(report);
    for (const [k, v] of Object.entries(trace['#meta'])) if (k !== 'varTypes') expect(typeof v).toBe('string');
    expect(trace['#meta'].varTypes).toEqual({
      tags: 'Set(Str)',
      flags: 'Set(Str)',
      owner: 'Some(Int) | None(UNIT)',
      held: '(Int -> Bool)',
      hist: 'Seq(Int)',
      n: 'Int',
      'mbt::actionTaken': 'Str',
      'mbt::nondetPicks': '{ Acquire: Some(Int) | None(UNIT) }',
    });
    expect(JSON.parse(trace['#meta'].constants as string)).toEqual({});
    // no parameterised action: the picks are the empty record
    const [, diehard] = reports[0];
    expect(itfTraces(diehard)[0]['#meta'].varTypes).toEqual({ small: 'Int', big: 'Int', 'mbt::actionTaken': 'Str', 'mbt::nondetPicks': '{}' });
  });

  it('should print the behaviour up to an exception in an action (MC202)', () => {
    const [, report] = reports.find(([n]) => n.includes('MC202'))!;
    const t = JSON.parse(itfRenderer.render(report));
    expect(t['#meta']).toMatchObject({ status: 'error', code: 'MC202' });
    expect(t.states.map((s: { x: number }) => s.x)).toEqual([0, 1]);
  });

  it('should print a trace without states, saying why, when nothing is violated', () => {
    const [, report] = reports.find(([n]) => n === 'peterson (holds)')!;
    const t = JSON.parse(itfRenderer.render(report));
    expect(t).toEqual(itfNoTrace(report));
    expect(t.states).toEqual([]);
    expect(t['#meta'].status).toBe('holds');
    expect(validate(t)).toBe(true);
  });
});
