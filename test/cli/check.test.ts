/**
 * `gfpcheck check` run in-process: exit codes, the three formats, --out,
 * progress, and the rules for incomplete searches.
 */
import * as os from 'os';
import * as path from 'path';
import { createCli, createMemoryIo, engineRunOptions, resolveCliConfig, validateCheckArgv } from '../../checker/cli';
import { Report } from '../../checker/report';
import { gfpcheckConfig } from '../../specs/cli';
import { FIXTURES, gfpcheck, REPO } from './helpers';

const fixture = (name: string): string => path.join(FIXTURES, name);

describe('gfpcheck check: exit codes', () => {
  it.each([
    ['a holding reference model', 0, ['check', 'peterson']],
    ['dining philosophers (deadlock)', 11, ['check', 'philosophers', '--const', 'n=3']],
    ['DieHard (invariant)', 12, ['check', 'diehard']],
    ['an out-of-domain value (MC201)', 150, ['check', fixture('outOfDomain.ts')]],
    ['an action that throws (MC202)', 150, ['check', fixture('throws.ts')]],
    ['a module that exports no spec (MC101)', 150, ['check', fixture('notASpec.ts')]],
    ['a missing module (MC101)', 150, ['check', './no/such/spec.ts']],
    ['a constant the spec rejects (MC102)', 150, ['check', 'philosophers', '--const', 'n=99']],
    ['an unknown spec name', 151, ['check', 'dihard']],
    ['an unknown flag', 151, ['check', 'diehard', '--frobnicate']],
    ['a bad --store value', 151, ['check', 'diehard', '--store', 'bloom']],
    ['a state limit on a bigger model', 152, ['check', 'twophase', '--max-states', '10']],
    ['a depth limit', 152, ['check', 'twophase', '--max-depth', '2']],
  ])('%s exits %d', async (_what, code, args) => {
    // Act
    const r = await gfpcheck(args);
    // Assert
    expect(r.code).toBe(code);
  });

  it('should exit with the code of the first violation found when there are several', async () => {
    // Arrange: philosophers with an invariant too; deadlock is found first in BFS
    const r = await gfpcheck(['check', 'philosophers', '--const', 'n=2', '--all-violations', '--format', 'json']);
    // Assert
    const report = JSON.parse(r.out) as Report;
    expect(report.violations.length).toBeGreaterThanOrEqual(1);
    expect(r.code).toBe(report.violations[0].kind === 'deadlock' ? 11 : 12);
  });

  it('should exit 12 for a module factory whose invariant the constants break', async () => {
    const r = await gfpcheck(['check', fixture('factory.ts'), '--const', 'n=5', '--const', 'limit=3']);
    expect(r.code).toBe(12);
    expect(r.out).toContain('Error: Invariant BelowLimit is violated.');
    expect(r.out).toContain('ring (n=5, limit=3, avoid=-1)');
  });

  it('should resolve a module path relative to the current directory', async () => {
    const r = await gfpcheck(['check', 'factory.ts'], { cwd: FIXTURES });
    expect(r.code).toBe(0);
    expect(r.out).toContain('Model checking completed. No error has been found.');
  });
});

describe('gfpcheck check: usage errors', () => {
  it.each([
    [['check', 'diehard', '--frobnicate'], /unknown option --frobnicate/],
    [['check', 'dihard'], /unknown spec 'dihard'[\s\S]*did you mean 'diehard'/],
    [['check', 'diehard', '--store', 'bloom'], /invalid value 'bloom' for --store/],
    [['check', 'diehard', '--strategy', 'random'], /invalid value "random" for --strategy[\s\S]*choices: bfs, dfs/],
    [['check', 'diehard', '--max-states', 'lots'], /--max-states must be a whole number >= 1, got 'lots'/],
    [['check', 'diehard', '--capacity', '1024'], /--capacity applies only to --store compact/],
    [['check', 'diehard', '--store', 'compact', '--capacity', '1000'], /power of two/],
    [['check', 'diehard', '--const', 'small'], /--const expects KEY=VALUE/],
    [['check', 'diehard', '--const', 'huge=3'], /diehard has no constant 'huge'/],
    [['check', 'diehard', '--const', 'small=x'], /must be an integer/],
    [['check'], /no spec given/],
    [['check', 'diehard', '--workload', 'read'], /--workload needs --stack/],
    [['check', 'diehard', '--stack', 'xfs/ssd'], /either a spec or --stack/],
    [['check', '--stack', 'xfs/nosuch/ssd'], /unknown layer "nosuch"/],
    [['check', fixture('outOfDomain.ts'), '--const', 'a=1'], /takes no --const/],
    [['chek', 'diehard'], /unknown command 'chek'[\s\S]*did you mean 'check'/],
    [['--quiet'], /no command given/],
  ])('%j says what is wrong, with a hint, and exits 151', async (args, message) => {
    // Act
    const r = await gfpcheck(args as string[]);
    // Assert
    expect(r.code).toBe(151);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
    expect(r.err).toMatch(/^gfpcheck: error: .*\n(gfpcheck: hint: .*\n)?$/);
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe('gfpcheck check: spec errors', () => {
  it('should name the variable, the value and the code for an out-of-domain value', async () => {
    const r = await gfpcheck(['check', fixture('outOfDomain.ts')]);
    expect(r.out).toMatch(/Error: .*x.*4/);
    expect(r.out).toContain('Error code MC201');
  });

  it('should report an error as JSON with result "error" and {code, message}', async () => {
    const r = await gfpcheck(['check', fixture('throws.ts'), '--format', 'json']);
    const report = JSON.parse(r.out) as Report;
    expect(report.result).toBe('error');
    // issue 15: a spec error during the search also carries the behaviour up to the state (error.trace), as TLC prints it
    expect(report.error).toEqual({ code: 'MC202', message: expect.stringContaining('boom in Step'), trace: expect.any(Array) });
    expect(report.error?.trace?.[0]).toMatchObject({ step: 0, action: null });
  });

  it('should still print a JSON report when the module cannot be found', async () => {
    const r = await gfpcheck(['check', './missing.ts', '--format', 'json']);
    const report = JSON.parse(r.out) as Report;
    expect(r.code).toBe(150);
    expect(report).toMatchObject({ tool: 'gfpcheck', spec: './missing.ts', result: 'error', complete: false, error: { code: 'MC101' } });
  });
});

describe('gfpcheck check: incomplete searches', () => {
  it('should say incomplete, never "No error has been found", and exit 152', async () => {
    // Act
    const r = await gfpcheck(['check', 'twophase', '--max-states', '10']);
    // Assert
    expect(r.code).toBe(152);
    expect(r.out).toContain('Search incomplete: state limit reached (--max-states 10).');
    expect(r.out).not.toContain('No error has been found');
    expect(r.out).toContain('invariant TCConsistent: unknown');
    expect(r.out).not.toContain('The depth of the complete state graph search');
  });

  it('should report result "incomplete" and complete false in JSON', async () => {
    const r = await gfpcheck(['check', 'twophase', '--max-states', '10', '--format', 'json']);
    const report = JSON.parse(r.out) as Report;
    expect(report).toMatchObject({ result: 'incomplete', complete: false, incompleteReason: expect.stringContaining('--max-states 10') });
    expect(report.properties.every((p) => p.status !== 'holds')).toBe(true);
  });
});

describe('gfpcheck check --format json', () => {
  it('should print one object with exactly the contract fields', async () => {
    // Act
    const r = await gfpcheck(['check', 'diehard', '--format', 'json']);
    // Assert
    const report = JSON.parse(r.out);
    expect(Object.keys(report)).toEqual(expect.arrayContaining(['tool', 'version', 'spec', 'params', 'result', 'complete', 'stats', 'properties', 'violations']));
    expect(report).toMatchObject({ tool: 'gfpcheck', spec: 'diehard', params: { small: 3, big: 5, goal: 4 }, result: 'violated', complete: false });
    expect(Object.keys(report.stats)).toEqual(
      expect.arrayContaining(['distinctStates', 'statesGenerated', 'depth', 'seconds', 'statesPerSecond', 'store', 'omissionProbability', 'bytesPerState', 'symmetry']),
    );
    for (const p of report.properties) expect(Object.keys(p)).toEqual(expect.arrayContaining(['name', 'kind', 'status']));
    expect(report.properties.map((p: { kind: string }) => p.kind).sort()).toEqual(['deadlock', 'invariant', 'witness']);
    const [v] = report.violations;
    expect(v).toMatchObject({ property: 'NotSolved', kind: 'invariant' });
    expect(v.trace[0]).toEqual({ step: 0, action: null, params: null, state: { small: 0, big: 0 } });
    for (const t of v.trace) expect(Object.keys(t).sort()).toEqual(['action', 'params', 'state', 'step']);
    expect(r.err).toBe('');
  });

  it('should merge the spec explanation (e.g. the wait-for cycle) and the deadlock class into the violation', async () => {
    const r = await gfpcheck(['check', '--stack', 'xfs/dm-zoned/tcmu/ext4/ssd', '--format', 'json']);
    const report = JSON.parse(r.out) as Report;
    expect(r.code).toBe(11);
    expect(report.violations[0]).toMatchObject({ property: 'deadlock', kind: 'deadlock', class: expect.any(String), cycle: expect.any(Array) });
  });

  it('should report the store, its omission bound and symmetry', async () => {
    const r = await gfpcheck(['check', 'twophase', '--const', 'rm=2', '--store', 'compact:32', '--capacity', '2^16', '--format', 'json']);
    const report = JSON.parse(r.out) as Report;
    expect(report.stats.store).toBe('compact (32-bit signatures, 2^16 slots)');
    expect(report.stats.omissionProbability).toBeGreaterThan(0);
    expect(report.stats.symmetry).not.toBe('off');
    expect(report.options).toMatchObject({ strategy: 'bfs', store: 'compact:32', symmetry: true });
  });
});

describe('gfpcheck check --format itf', () => {
  it('should print one ITF trace for one violation', async () => {
    // Act
    const r = await gfpcheck(['check', 'diehard', '--format', 'itf']);
    // Assert
    const itf = JSON.parse(r.out);
    expect(itf['#meta']).toMatchObject({ format: 'ITF', 'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html', source: 'reference model diehard' });
    expect(itf.vars).toEqual(['small', 'big', 'mbt::actionTaken', 'mbt::nondetPicks']);
    expect(itf.states).toHaveLength(7);
    expect(itf.states[0]).toEqual({ '#meta': { index: 0 }, small: 0, big: 0, 'mbt::actionTaken': 'init', 'mbt::nondetPicks': {} });
    expect(itf.states[1]).toEqual({ '#meta': { index: 1 }, small: 0, big: 5, 'mbt::actionTaken': 'FillBigJug', 'mbt::nondetPicks': {} });
  });

  it('should print the first trace, and write one file per violation with --out-dir', async () => {
    // Arrange: x reaches 2 (violating Avoids) before 3 (violating BelowLimit)
    const args = ['check', fixture('factory.ts'), '--const', 'n=5', '--const', 'limit=3', '--const', 'avoid=2', '--all-violations'];
    const dir = path.join(os.tmpdir(), `gfpcheck-itf-${process.pid}`);
    // Act
    const r = await gfpcheck([...args, '--format', 'itf', '--out-dir', dir]);
    // Assert
    const itf = JSON.parse(r.out);
    expect(itf['#meta'].property).toBe('Avoids');
    expect(itf.states).toHaveLength(3);
    const files = [...r.io.files.keys()].filter((f) => f.startsWith(dir)).sort();
    expect(files.map((f) => path.basename(f))).toEqual(['01-Avoids.itf.json', '02-BelowLimit.itf.json']);
    expect(files.map((f) => JSON.parse(r.io.files.get(f)!).states.length)).toEqual([3, 4]);
    expect(r.err).toContain(`wrote 2 ITF traces to ${dir}`);
    expect(r.code).toBe(12);
  });

  it('should reject --out-dir without --format itf (exit 151)', async () => {
    const r = await gfpcheck(['check', 'diehard', '--out-dir', 'x']);
    expect(r.err).toContain('--out-dir applies only to --format itf');
    expect(r.code).toBe(151);
  });

  it('should print a trace without states when nothing is violated', async () => {
    const r = await gfpcheck(['check', 'peterson', '--format', 'itf']);
    expect(JSON.parse(r.out)).toMatchObject({ vars: [], states: [], '#meta': { status: 'holds' } });
    expect(r.code).toBe(0);
  });
});

describe('gfpcheck check --out and --quiet', () => {
  it('should write the output to the file and keep stdout empty', async () => {
    const r = await gfpcheck(['check', 'diehard', '--format', 'json', '--out', '/virtual/report.json']);
    expect(r.out).toBe('');
    expect(JSON.parse(r.io.files.get('/virtual/report.json')!).result).toBe('violated');
    expect(r.code).toBe(12);
  });

  it('should exit 153 when the file cannot be written', async () => {
    // Arrange: an io whose writes fail as fs.writeFileSync does
    const io = createMemoryIo({ cwd: REPO });
    io.writeFile = () => {
      throw new Error("ENOENT: no such file or directory, open '/nonexistent-dir/x/report.txt'");
    };
    // Act
    const code = await createCli(gfpcheckConfig()).run(['check', 'diehard', '--out', '/nonexistent-dir/x/report.txt'], io);
    // Assert
    expect(code).toBe(153);
    expect(io.err).toMatch(/^gfpcheck: system error: cannot write --out \/nonexistent-dir\/x\/report.txt: ENOENT/);
  });

  it('should print progress lines on stderr during long runs', async () => {
    // Arrange: a clock that advances 10 s per reading (progress is considered after every batch of expansions)
    let t = 0;
    const clock = (): number => (t += 10);
    // Act
    const r = await gfpcheck(['check', 'counter-packed', '--const', 'k=2', '--const', 'm=257', '--format', 'json'], { clock, progressInterval: 1 });
    // Assert
    const lines = r.err.replace(/\n$/, '').split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).toMatch(/^Progress\(\d+\): [\d,]+ states generated, [\d,]+ distinct states found, [\d,]+ states left on queue \([\d,]+ distinct states\/s\)\.$/);
    }
    expect(JSON.parse(r.out).result).toBe('holds');
  });

  it('should not pass a progress callback to the engine with --quiet', () => {
    // Arrange
    const cfg = resolveCliConfig(gfpcheckConfig());
    const ctx = { io: createMemoryIo(), config: cfg };
    const loud = validateCheckArgv({ spec: 'diehard' }, cfg);
    const quiet = validateCheckArgv({ spec: 'diehard', quiet: true }, cfg);
    if (!loud.ok || !quiet.ok) throw new Error('argv rejected');
    // Act / Assert
    expect(engineRunOptions(loud.value, ctx).onProgress).toBeInstanceOf(Function);
    expect(engineRunOptions(quiet.value, ctx).onProgress).toBeUndefined();
  });
});
