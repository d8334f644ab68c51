/**
 * The JSON report's schema (docs/report.schema.json) and `render`'s reader:
 * every report gfpcheck writes is valid and consistent; partial, foreign and
 * inconsistent reports are refused with a message naming what is wrong
 * (exit 151), never a crash.
 */
import * as fs from 'fs';
import * as path from 'path';
import Ajv from 'ajv';
import { check } from '../../checker';
import type { AnySpec } from '../../checker';
import { buildReport, readReport, REPORT_SCHEMA, REPORT_SCHEMA_VERSION } from '../../checker/report';
import type { Report } from '../../checker/report';
import { dieHard, peterson, philosophers, twoPhase } from '../../specs/reference';
import { spec as shapes } from '../cli/fixtures/shapes';
import { gfpcheck, REPO } from '../cli/helpers';

const reports: [string, Report][] = (
  [
    ['diehard (violated)', dieHard(), {}],
    ['philosophers (deadlock classes)', philosophers({ n: 3 }), { allViolations: true }],
    ['twophase (holds, symmetry)', twoPhase({ rm: 3 }), {}],
    ['peterson (holds)', peterson(), {}],
    ['peterson without fairness (a lasso: loop, loopStep, liveness stats)', peterson({ fairness: 'none' }), { allViolations: true }],
    ['shapes (stateShape)', shapes, {}],
    ['incomplete', twoPhase({ rm: 3 }), { maxStates: 10 }],
  ] as [string, AnySpec, object][]
).map(([n, spec, o]) => [n, buildReport(check(spec, o), { version: '0.0.0', spec, source: n })]);

describe('docs/report.schema.json', () => {
  it('should be REPORT_SCHEMA, as published', () => {
    const published = JSON.parse(fs.readFileSync(path.join(REPO, 'docs', 'report.schema.json'), 'utf8'));
    expect(published).toEqual(JSON.parse(JSON.stringify(REPORT_SCHEMA)));
  });

  const validate = new Ajv({ strict: false }).compile(JSON.parse(fs.readFileSync(path.join(REPO, 'docs', 'report.schema.json'), 'utf8')));
  it.each(reports)('%s: the report is valid, consistent and carries schemaVersion', (_n, report) => {
    expect(report.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    expect(validate(report)).toBe(true);
    expect(readReport(JSON.stringify(report))).toEqual({ ok: true, value: report });
  });
});

describe('readReport', () => {
  const [, ok] = reports[0];
  const [, holds] = reports[2];
  it.each([
    ['empty stats', { ...ok, stats: {} }, /does not follow docs\/report.schema.json: field stats lacks "distinctStates"/],
    ['no violations field', { ...ok, violations: undefined }, /the report lacks "violations"/],
    ['a trace step without a state', { ...ok, violations: [{ ...ok.violations[0], trace: [{ step: 0, action: null }] }] }, /field violations.0.trace.0 lacks "state"/],
    ['an unknown result', { ...ok, result: 'fine' }, /field result must be one of "holds", "violated", "incomplete", "error"/],
    ['a TLC-ish report', { tool: 'tlc', result: 'holds' }, /not a gfpcheck report/],
    ['a newer schema', { ...ok, schemaVersion: REPORT_SCHEMA_VERSION + 1 }, /schemaVersion 2 is newer than this gfpcheck reads \(1\)/],
    ['holds with violations', { ...holds, violations: ok.violations }, /inconsistent|does not follow/],
    ['holds, incomplete', { ...holds, complete: false }, /does not follow.*complete must be true|inconsistent/],
    ['violated without violations', { ...ok, violations: [] }, /violations must NOT have fewer than 1 items/],
    ['error without error', { ...ok, result: 'error', violations: [] }, /the report lacks "error"/],
  ])('should refuse %s', (_n, data, message) => {
    const r = readReport(JSON.stringify(data));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(message);
  });

  it('should name the inconsistency the schema cannot express', () => {
    // a property marked violated in a "holds" report (schema-valid: no violations listed)
    const bad = { ...holds, properties: holds.properties.map((p, i) => (i === 0 ? { ...p, status: 'violated' } : p)) };
    const r = readReport(JSON.stringify(bad));
    expect(r).toEqual({ ok: false, error: `it is inconsistent: result is "holds" but property ${holds.properties[0].name} is "violated"` });
  });

  it('should read a report of gfpcheck 0.1.0 (no schemaVersion)', () => {
    const { schemaVersion: _drop, ...old } = ok;
    expect(readReport(JSON.stringify(old)).ok).toBe(true);
  });
});

describe('gfpcheck render of a bad report', () => {
  const REPORT = '/virtual/bad.json';
  const [, ok] = reports[0];
  const [, holds] = reports[2];
  it.each([
    ['empty stats (was MC501, a stack trace and exit 255)', { ...ok, stats: {} }, 'field stats lacks "distinctStates"'],
    ['result holds with violations', { ...holds, violations: ok.violations }, 'violations must NOT have more than 0 items'],
  ])('%s: exit 151 and one clear line', async (_n, data, message) => {
    const r = await gfpcheck(['render', REPORT], { files: { [REPORT]: JSON.stringify(data) } });
    expect(r.code).toBe(151);
    expect(r.err).toContain(`'${REPORT}' is not a gfpcheck JSON report: `);
    expect(r.err).toContain(message);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out).toBe('');
  });
});
