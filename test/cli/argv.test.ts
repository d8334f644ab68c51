/**
 * Argv validation is pure: argv in, options or a usage failure out.
 */
import {
  parseCount,
  parseKeyValues,
  parseStore,
  resolveCliConfig,
  suggest,
  translateYargsError,
  validateCheckArgv,
  validateSearchArgv,
  classifyTarget,
  coerceConst,
  createCommands,
  exitCodeForReport,
  exitCodeForError,
} from '../../checker/cli';
import { gfpcheckConfig } from '../../specs/cli';

const cfg = resolveCliConfig(gfpcheckConfig());

describe('validateCheckArgv', () => {
  it('should fill the defaults for a bare spec name', () => {
    // Act
    const r = validateCheckArgv({ spec: 'diehard' }, cfg);
    // Assert
    expect(r).toEqual({
      ok: true,
      value: {
        target: { kind: 'name', name: 'diehard' },
        consts: {},
        search: { strategy: 'bfs', allViolations: false },
        output: { format: 'text', quiet: false },
      },
    });
  });

  it('should turn every option into engine terms', () => {
    const r = validateCheckArgv(
      {
        spec: './x.ts',
        const: ['n=3', 'mode=fast'],
        strategy: 'dfs',
        store: 'compact:48',
        capacity: '2^20',
        symmetry: false,
        'max-states': '1_000',
        'max-depth': '7',
        'all-violations': true,
        deadlock: false,
        format: 'json',
        out: 'r.json',
        quiet: true,
      },
      cfg,
    );
    expect(r).toEqual({
      ok: true,
      value: {
        target: { kind: 'path', path: './x.ts' },
        consts: { n: '3', mode: 'fast' },
        search: {
          strategy: 'dfs',
          store: { kind: 'compact', bits: 48 },
          capacity: 2 ** 20,
          symmetry: false,
          maxStates: 1000,
          maxDepth: 7,
          allViolations: true,
          checkDeadlock: false,
        },
        output: { format: 'json', out: 'r.json', quiet: true },
      },
    });
  });

  it('should select the stack model with --stack, defaulting the workload to write', () => {
    const r = validateCheckArgv({ stack: 'xfs/ssd', param: ['pages=2'] }, cfg);
    expect(r.ok && r.value.target).toEqual({ kind: 'selector', selector: 'stack', request: { stack: 'xfs/ssd', workload: 'write', params: { pages: '2' }, liveness: true } });
  });

  it.each([
    [{ spec: 'diehard', strategy: ['bfs', 'dfs'] }, '--strategy was given 2 times'],
    [{ spec: 'diehard', store: 'compact:4' }, 'invalid signature width 4 in --store compact:4'],
    [{ spec: 'diehard', 'max-states': '0' }, "--max-states must be a whole number >= 1, got '0'"],
    [{ spec: 'diehard', 'max-depth': '-1' }, "--max-depth must be a whole number >= 0, got '-1'"],
    [{ spec: 'diehard', const: ['n=1', 'n=2'] }, '--const n was given twice'],
    [{ spec: 'diehard', format: 'xml' }, "unknown format 'xml'"],
    [{ spec: 'diehard', out: '' }, '--out needs a file name'],
    [{ param: ['pages=2'] }, '--param needs --stack'],
    [{ stack: 'xfs/ssd', const: ['n=1'] }, '--const does not apply to --stack'],
    [{ stack: 'xfs/ssd', param: ['pages'] }, "--param expects KEY=VALUE, got 'pages'"],
    [{}, 'no spec given'],
  ])('should reject %j: %s', (argv, message) => {
    const r = validateCheckArgv(argv, cfg);
    expect(r).toEqual({ ok: false, error: expect.objectContaining({ kind: 'usage', message }) });
  });
});

describe('option value parsers', () => {
  it.each([
    ['exact', { kind: 'exact' }],
    ['fingerprint', { kind: 'fingerprint' }],
    ['compact', { kind: 'compact', bits: 40 }],
    ['compact:64', { kind: 'compact', bits: 64 }],
    ['compact:8', { kind: 'compact', bits: 8 }],
  ])('parseStore(%s)', (text, store) => {
    expect(parseStore(text)).toEqual({ ok: true, value: store });
  });

  it.each(['bloom', 'compact:', 'compact:65', 'compact:x', 'Exact'])('parseStore rejects %s', (text) => {
    expect(parseStore(text).ok).toBe(false);
  });

  it.each([
    ['1000', 1000],
    ['1_000_000', 1e6],
    ['1e6', 1e6],
    ['2^20', 2 ** 20],
    [' 42 ', 42],
  ])('parseCount(%s) = %d', (text, n) => {
    expect(parseCount('max-states', text, 1)).toEqual({ ok: true, value: n });
  });

  it.each(['', 'ten', '1.5', '-3', '2^60', '0x10'])('parseCount rejects %j', (text) => {
    expect(parseCount('max-states', text, 1).ok).toBe(false);
  });

  it('should split K=V on the first = only', () => {
    expect(parseKeyValues('param', ['expr=a=b', 'x='])).toEqual({ ok: true, value: { expr: 'a=b', x: '' } });
  });

  it.each([
    ['diehard', { kind: 'name', name: 'diehard' }],
    ['counter-packed', { kind: 'name', name: 'counter-packed' }],
    ['spec.ts', { kind: 'path', path: 'spec.ts' }],
    ['./spec', { kind: 'path', path: './spec' }],
    ['specs/x.js', { kind: 'path', path: 'specs/x.js' }],
  ])('classifyTarget(%s)', (arg, target) => {
    expect(classifyTarget(arg)).toEqual(target);
  });

  it.each([
    ['3', 3],
    ['-2', -2],
    ['true', true],
    ['false', false],
    ['fast', 'fast'],
    ['1.5', '1.5'],
  ])('coerceConst(%s)', (text, value) => {
    expect(coerceConst(text)).toEqual(value);
  });

  it('should suggest a close name and nothing for a far one', () => {
    expect(suggest('dihard', ['diehard', 'peterson'])).toBe('diehard');
    expect(suggest('zzz', ['diehard', 'peterson'])).toBeUndefined();
  });
});

describe('translateYargsError', () => {
  const check = createCommands(gfpcheckConfig())[0];

  it.each([
    ['Unknown argument: frobnicate', ['check', 'x', '--frobnicate'], 'unknown option --frobnicate'],
    ['Unknown arguments: strategi, y', ['check', 'x', '--strategi', 'y'], 'unknown option --strategi (and 1 more)'],
    ['Unknown argument: extra', ['check', 'x', 'extra'], "unexpected argument 'extra'"],
    ['Invalid values:\n  Argument: strategy, Given: "x", Choices: "bfs", "dfs"', [], 'invalid value "x" for --strategy'],
    ['Not enough arguments following: max-states', [], '--max-states needs a value'],
  ])('%j', (message, args, expected) => {
    expect(translateYargsError(message, args, check)).toMatchObject({ kind: 'usage', message: expected });
  });

  it('should suggest the option meant', () => {
    expect(translateYargsError('Unknown argument: strategi', ['check', '--strategi'], check)).toMatchObject({ hint: expect.stringContaining('did you mean --strategy?') });
  });
});

describe('exit codes', () => {
  it.each([
    [{ result: 'holds', complete: true, violations: [] }, 0],
    [{ result: 'holds', complete: false, violations: [] }, 152],
    [{ result: 'incomplete', complete: false, violations: [] }, 152],
    [{ result: 'violated', complete: false, violations: [{ kind: 'deadlock' }, { kind: 'invariant' }] }, 11],
    [{ result: 'violated', complete: true, violations: [{ kind: 'invariant' }, { kind: 'deadlock' }] }, 12],
    [{ result: 'error', complete: false, violations: [], error: { code: 'MC201' } }, 150],
    [{ result: 'error', complete: false, violations: [], error: { code: 'MC102' } }, 150],
    [{ result: 'error', complete: false, violations: [], error: { code: 'MC301' } }, 153],
    [{ result: 'error', complete: false, violations: [], error: { code: 'MC501' } }, 255],
  ])('%j exits %d', (report, code) => {
    expect(exitCodeForReport(report as never)).toBe(code);
  });

  it('should map unknown error codes to internal errors', () => {
    expect(exitCodeForError('MC999')).toBe(255);
  });

  it('validateSearchArgv should leave the engine defaults to the engine', () => {
    expect(validateSearchArgv({})).toEqual({ ok: true, value: { strategy: 'bfs', allViolations: false } });
  });
});
