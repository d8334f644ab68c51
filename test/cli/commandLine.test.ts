/**
 * The command line around the commands: English whatever LANG says, -v,
 * help when no command is given, shell completion, conflicting boolean
 * flags, TypeScript spec modules (syntax errors with file:line:col,
 * --typecheck), and progress on a terminal or not.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { booleanConflict, createCommands } from '../../checker/cli';
import { formatBar, formatBytes, formatElapsed, formatProgressStatus, formatStepStatus, ProgressLine } from '../../checker/report';
import { gfpcheckConfig } from '../../specs/cli';
import { FIXTURES, gfpcheck, REPO } from './helpers';

jest.setTimeout(120_000);

const BROKEN = path.join(FIXTURES, 'broken');
const version = (JSON.parse(require('fs').readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

describe('English, whatever the locale (bin/gfpcheck under LANG=de_DE.UTF-8)', () => {
  // a child process: yargs reads LC_ALL/LC_MESSAGES/LANG of the process it parses in
  const env = { ...process.env, LC_ALL: 'de_DE.UTF-8', LC_MESSAGES: 'de_DE.UTF-8', LANG: 'de_DE.UTF-8', LANGUAGE: 'de' };
  const bin = (args: readonly string[]) => spawnSync(process.execPath, [path.join(REPO, 'bin', 'gfpcheck'), ...args], { cwd: REPO, env, encoding: 'utf8' });

  it.each([
    [['check', 'diehard', '--bogus'], /^gfpcheck: error: unknown option --bogus\ngfpcheck: hint: 'gfpcheck check --help' lists its options\n$/],
    [['check', 'diehard', '--symetry'], /^gfpcheck: error: unknown option --symetry\ngfpcheck: hint: did you mean --symmetry\? /],
    [['check', 'diehard', '--strategy', 'random'], /^gfpcheck: error: invalid value "random" for --strategy\ngfpcheck: hint: choices: bfs, dfs\n$/],
    [['check', 'diehard', '--max-states'], /^gfpcheck: error: --max-states needs a value\n/],
  ])('%j gives the English error and hint (151)', (args, message) => {
    const r = bin(args as string[]);
    expect(r.status).toBe(151);
    expect(r.stderr).toMatch(message);
  });

  it('the help is English', () => {
    const r = bin(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Commands:/);
    expect(r.stdout).toMatch(/Show version number/);
    expect(r.stdout).not.toMatch(/Befehle|Optionen|Versionsnummer/);
  });
});

describe('version, help, completion', () => {
  it.each([['-v'], ['--version']])('%s prints the version of package.json', async (flag) => {
    const r = await gfpcheck([flag]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${version}\n`);
  });

  it('no command at all: the help on stderr, then the usage error (151), nothing on stdout', async () => {
    const r = await gfpcheck([]);
    expect(r.code).toBe(151);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^gfpcheck <command> \[options\]/);
    expect(r.err).toMatch(/Commands:[\s\S]*gfpcheck check \[spec\][\s\S]*gfpcheck verify/);
    expect(r.err).toMatch(/\ngfpcheck: error: no command given\ngfpcheck: hint: commands: check, list, render, main, verify, sweep, completion; 'gfpcheck --help' describes them\n$/);
  });

  it('the help lists the completion command', async () => {
    const r = await gfpcheck(['--help']);
    expect(r.out).toMatch(/gfpcheck completion +Print a bash\/zsh completion script/);
  });

  it('gfpcheck completion prints a bash/zsh script', async () => {
    const r = await gfpcheck(['completion']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^###-begin-gfpcheck-completions-###/);
    expect(r.out).toContain('--get-yargs-completions');
    expect(r.err).toBe('');
  });

  it('completes commands, and the options of a command', async () => {
    const commands = await gfpcheck(['--get-yargs-completions', 'gfpcheck', 'ch']);
    expect(commands.code).toBe(0);
    expect(commands.out.split('\n')).toEqual(expect.arrayContaining(['check', 'list', 'render', 'main', 'verify']));
    const options = await gfpcheck(['--get-yargs-completions', 'gfpcheck', 'check', '--']);
    expect(options.out.split('\n')).toEqual(expect.arrayContaining(['--symmetry', '--store', '--junit', '--typecheck', '--stack']));
  });

  it('gfpcheck completion takes no argument', async () => {
    const r = await gfpcheck(['completion', 'x']);
    expect(r.code).toBe(151);
    expect(r.err).toMatch(/unexpected argument 'x'/);
  });
});

describe('boolean flags given twice', () => {
  it('booleanConflict: both forms conflict, one form twice is repeated, `--` ends the options', () => {
    const message = (f: ReturnType<typeof booleanConflict>): string | undefined => (f && f.kind === 'usage' ? f.message : undefined);
    expect(booleanConflict(['--symmetry', '--no-symmetry'], ['symmetry'])).toEqual({ kind: 'usage', message: '--symmetry and --no-symmetry conflict', hint: 'give one of --symmetry or --no-symmetry, once' });
    expect(message(booleanConflict(['--no-deadlock', '--deadlock=true'], ['deadlock']))).toBe('--deadlock and --no-deadlock conflict');
    expect(message(booleanConflict(['--quiet', '--quiet'], ['quiet']))).toBe('--quiet was given 2 times');
    expect(message(booleanConflict(['--no-symmetry', '--no-symmetry'], ['symmetry']))).toBe('--no-symmetry was given 2 times');
    expect(booleanConflict(['--symmetry', '--', '--no-symmetry'], ['symmetry'])).toBeUndefined();
    expect(booleanConflict(['--symmetry', '--no-deadlock'], ['symmetry', 'deadlock'])).toBeUndefined();
    expect(booleanConflict(['--symmetry-x', '--no-symmetry'], ['symmetry'])).toBeUndefined();
  });

  // every boolean option of every command, both orders
  const commands = createCommands(gfpcheckConfig());
  const cases: [string, string, string[]][] = [];
  for (const c of commands) {
    const name = c.command.split(' ')[0];
    const lead = name === 'check' ? ['check', 'diehard'] : name === 'render' ? ['render', 'report.json'] : name === 'list' ? ['list'] : [name];
    for (const [flag, o] of Object.entries(c.options)) {
      if ((o as { type?: string }).type !== 'boolean') continue;
      cases.push([name, flag, [...lead, `--${flag}`, `--no-${flag}`]]);
      cases.push([name, flag, [...lead, `--no-${flag}`, `--${flag}`]]);
    }
  }

  it('covers the boolean options of check, main and verify', () => {
    const flags = new Set(cases.map(([cmd, flag]) => `${cmd} --${flag}`));
    for (const f of ['check --symmetry', 'check --deadlock', 'check --all-violations', 'check --quiet', 'check --typecheck', 'main --symmetry', 'verify --update', 'verify --quiet']) expect(flags).toContain(f);
  });

  it.each(cases)('%s --%s with its negation is rejected (151) before anything runs', async (_cmd, flag, args) => {
    const r = await gfpcheck(args);
    expect(r.code).toBe(151);
    expect(r.out).toBe('');
    expect(r.err).toBe(`gfpcheck: error: --${flag} and --no-${flag} conflict\ngfpcheck: hint: give one of --${flag} or --no-${flag}, once\n`);
  });
});

describe('TypeScript spec modules', () => {
  it('a syntax error is MC101 (150) naming file:line:col and the reason', async () => {
    const r = await gfpcheck(['check', path.join(BROKEN, 'syntaxError.ts')]);
    expect(r.code).toBe(150);
    expect(r.out).toMatch(/cannot compile spec module '.*syntaxError\.ts': syntax errors:\ntest\/cli\/fixtures\/broken\/syntaxError\.ts:8:56: '\)' expected\. \(TS1005\)\n/);
    expect(r.out).toContain('Error code MC101');
    expect(r.out).not.toMatch(/Unable to compile TypeScript:\n/);
  });

  it('the syntax error reaches stderr when the report goes to a file, and the JSON report has it', async () => {
    const r = await gfpcheck(['check', path.join(BROKEN, 'syntaxError.ts'), '--format', 'json']);
    expect(r.code).toBe(150);
    expect(JSON.parse(r.out).error).toEqual({ code: 'MC101', message: expect.stringMatching(/syntaxError\.ts:8:56: '\)' expected/) });
  });

  it('without --typecheck a type error is not looked for (the engine then rejects the value: MC201)', async () => {
    const r = await gfpcheck(['check', path.join(BROKEN, 'typeError.ts')]);
    expect(r.code).toBe(150);
    expect(r.out).toContain('Error code MC201');
  });

  it('--typecheck reports the type error with file:line:col (MC101, 150)', async () => {
    const r = await gfpcheck(['check', path.join(BROKEN, 'typeError.ts'), '--typecheck']);
    expect(r.code).toBe(150);
    expect(r.out).toMatch(/spec module '.*typeError\.ts' does not type-check \(--typecheck\): 1 error:\ntest\/cli\/fixtures\/broken\/typeError\.ts:12:67: Type 'string' is not assignable to type 'number'\. \(TS2322\)/);
    expect(r.out).toContain('Error code MC101');
  });

  it('--typecheck passes a well-typed module, which then runs as usual', async () => {
    const r = await gfpcheck(['check', path.join(FIXTURES, 'dieHardFromScratch.ts'), '--typecheck']);
    expect(r.code).toBe(12);
    expect(r.out).toContain('Error: Invariant');
  });

  it.each([
    [['check', 'diehard', '--typecheck'], /--typecheck applies to a spec module/],
    [['check', '--stack', 'report-2019', '--typecheck'], /--typecheck applies to a spec module/],
  ])('%j: --typecheck without a .ts module is a usage error (151)', async (args, message) => {
    const r = await gfpcheck(args as string[]);
    expect(r.code).toBe(151);
    expect(r.err).toMatch(message);
  });
});

describe('progress', () => {
  it('formats the pieces', () => {
    expect(formatBar(3, 12, 8)).toBe('[##......]');
    expect(formatBar(12, 12, 4)).toBe('[####]');
    expect(formatBar(0, 0, 4)).toBe('[....]');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(64 * 2 ** 20)).toBe('64 MB');
    expect(formatBytes(1.5 * 2 ** 30)).toBe('1.5 GB');
    expect(formatElapsed(4.25)).toBe('4.3s');
    expect(formatElapsed(187)).toBe('3m07s');
    expect(formatElapsed(3720)).toBe('1h02m');
    const p = { distinctStates: 1234567, statesGenerated: 2000000, queue: 4321, depth: 17, seconds: 12.5, statesPerSecond: 98765.4 };
    expect(formatProgressStatus(p, 300 * 2 ** 20)).toBe('12.5s  1,234,567 states (98,765/s)  depth 17  queue 4,321  mem 300 MB');
    expect(formatProgressStatus(p)).toBe('12.5s  1,234,567 states (98,765/s)  depth 17  queue 4,321');
    expect(formatStepStatus(5, 20, 61, 'fix set: none')).toBe('[#####...............] 5/20 cells  1m01s  fix set: none');
  });

  it('on a terminal: one line rewritten in place and erased at the end; elsewhere plain lines', () => {
    let tty = '';
    const line = new ProgressLine({ write: (t) => void (tty += t), tty: true, columns: 30, memory: () => 2 ** 20 });
    line.status('first');
    line.status('a status line much longer than thirty columns');
    line.done();
    line.done();
    expect(tty).toBe('\r\x1b[Kfirst\r\x1b[Ka status line much longer th…\r\x1b[K');
    let plain = '';
    const quiet = new ProgressLine({ write: (t) => void (plain += t), tty: false });
    quiet.status('not shown');
    quiet.search({ distinctStates: 10, statesGenerated: 20, queue: 3, depth: 2, seconds: 1, statesPerSecond: 10 });
    quiet.done();
    expect(plain).toBe('Progress(2): 20 states generated, 10 distinct states found, 3 states left on queue (10 distinct states/s).\n');
  });

  it('check on a terminal: status lines with states/s, queue and memory on stderr, erased before the end; stdout untouched', async () => {
    let t = 0;
    const r = await gfpcheck(['check', 'counter', '--const', 'k=3'], { tty: true, memory: () => 100 * 2 ** 20, clock: () => (t += 0.5), progressInterval: 0 });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/^\r\x1b\[K\d+\.\ds {2}[\d,]+ states \([\d,]+\/s\) {2}depth \d+ {2}queue [\d,]+ {2}mem 100 MB/);
    expect(r.err.endsWith('\r\x1b[K')).toBe(true);
    expect(r.err).not.toContain('Progress(');
    expect(r.out).not.toMatch(/\r|\x1b/);
    expect(r.out).toContain('Model checking completed. No error has been found.');
  });

  it('check elsewhere: Progress(d) lines, as TLC prints them', async () => {
    let t = 0;
    const r = await gfpcheck(['check', 'counter', '--const', 'k=3'], { clock: () => (t += 0.5), progressInterval: 0 });
    expect(r.err).toMatch(/^Progress\(\d+\): [\d,]+ states generated, /);
    expect(r.err).not.toMatch(/\r|\x1b/);
  });
});

describe('the compiled build loads TypeScript only for a .ts spec module', () => {
  // run dist/specs/cli.js's main in a child and list the TypeScript tooling in require.cache at exit
  const loaded = (args: readonly string[]) => {
    const script =
      "process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify([...new Set(Object.keys(require.cache).map((k) => (/[\\\\/]node_modules[\\\\/](ts-node|typescript)[\\\\/]/.exec(k) || [])[1]).filter(Boolean))].sort())));" +
      `require(${JSON.stringify(path.join(REPO, 'dist', 'specs', 'cli.js'))}).main(${JSON.stringify(args)});`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: REPO, encoding: 'utf8' });
    return { code: r.status, modules: JSON.parse(/\nLOADED (.*)$/.exec(r.stderr)?.[1] ?? 'null') as string[] | null, out: r.stdout };
  };

  it.each([
    [['--help'], 0],
    [['list'], 0],
    [['check', 'diehard'], 12],
    [['check', path.join(FIXTURES, 'plainJs.js')], 0],
  ])('%j: neither ts-node nor typescript is loaded (exit %i)', (args, code) => {
    const r = loaded(args as string[]);
    expect(r.modules).toEqual([]);
    expect(r.code).toBe(code);
  });

  it('a .ts module: typescript (syntax check) and ts-node (loading) are', () => {
    const r = loaded(['check', path.join(FIXTURES, 'throws.ts')]);
    expect(r.code).toBe(150);
    expect(r.out).toContain('boom in Step');
    expect(r.modules).toEqual(['ts-node', 'typescript']);
  });
});

describe('bin/gfpcheck without the build (GFPCHECK_FROM_SOURCE=1: the sources through ts-node)', () => {
  const env = { ...process.env, GFPCHECK_FROM_SOURCE: '1' };
  const bin = (args: readonly string[]) => spawnSync(process.execPath, [path.join(REPO, 'bin', 'gfpcheck'), ...args], { cwd: FIXTURES, env, encoding: 'utf8' });

  it('finds package.json (the version) and lists the specs, as the build does', () => {
    const v = bin(['-v']);
    expect(v.status).toBe(0);
    expect(v.stdout).toBe(`${version}\n`);
    const list = bin(['list']);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^Specs by name[\s\S]*diehard/);
  });
});
