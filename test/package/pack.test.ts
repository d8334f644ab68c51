/**
 * The npm package as a user gets it: `npm pack`, then `npm install -g` of the
 * tarball into an empty prefix, then
 *
 * - the `gfpcheck` command of that prefix (--version, list, a check, a
 *   TypeScript spec module of the user's, which loads ts-node lazily);
 * - the library from a scratch project: `require('gfpcheck')` in plain
 *   JavaScript, `import ... from 'gfpcheck'` in an ES module, and TypeScript
 *   compiled against the shipped declarations (strict, no @types/node),
 *   with the subpaths `gfpcheck/report` and `gfpcheck/cli`;
 * - the tarball's contents: the build, the bin, the verdicts, the docs, the
 *   LICENSE, and no sources, tests or fixtures.
 *
 * It packs the compiled build in dist/ as it is (`npm pack --ignore-scripts`,
 * so that it never rebuilds dist/ under the other suites' feet): `npm test`
 * builds first. The tarball's dependencies come from the npm cache when they
 * are there, else from the registry (`--prefer-offline`).
 */
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

jest.setTimeout(300_000);

const REPO = path.resolve(__dirname, '..', '..');
const TSC = path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gfpcheck-pack-'));
const prefix = path.join(tmp, 'prefix');
const project = path.join(tmp, 'project');

function sh(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync(cmd, [...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 26 });
}
const npm = (args: readonly string[], cwd: string): SpawnSyncReturns<string> => sh(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, cwd);
const explain = (r: SpawnSyncReturns<string>): string => `exit ${r.status}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

let tarball = '';
let files: string[] = [];
let bin = '';
let installed = '';

beforeAll(() => {
  if (!fs.existsSync(path.join(REPO, 'dist', 'index.js'))) throw new Error('no build in dist/: run `npm run build` (npm test does) before this suite');
  const packed = npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], REPO);
  if (packed.status !== 0) throw new Error(`npm pack failed: ${explain(packed)}`);
  const info = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(tmp, info[0].filename);
  files = info[0].files.map((f) => f.path).sort();
  const install = npm(['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], tmp);
  if (install.status !== 0) throw new Error(`npm install -g --prefix failed: ${explain(install)}`);
  bin = process.platform === 'win32' ? path.join(prefix, 'gfpcheck.cmd') : path.join(prefix, 'bin', 'gfpcheck');
  installed = process.platform === 'win32' ? path.join(prefix, 'node_modules', 'gfpcheck') : path.join(prefix, 'lib', 'node_modules', 'gfpcheck');
  // the scratch project uses the installed package
  fs.mkdirSync(path.join(project, 'node_modules'), { recursive: true });
  fs.symlinkSync(installed, path.join(project, 'node_modules', 'gfpcheck'), 'dir');
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('npm pack', () => {
  it('ships the build, the command, the verdicts, the docs and the LICENSE', () => {
    for (const f of ['LICENSE', 'README.md', 'package.json', 'bin/gfpcheck', 'dist/index.js', 'dist/index.d.ts', 'dist/specs/cli.js', 'dist/checker/index.d.ts', 'specs/verdicts.json', 'docs/cli.md', 'docs/error-codes.md']) {
      expect(files).toContain(f);
    }
    expect(fs.readFileSync(path.join(REPO, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  });

  it('ships no sources, tests, fixtures, configs or benchmarks', () => {
    // the one exception: the worked examples of the docs, fix modules a user copies (docs/adding-a-fix.md)
    expect(files.filter((f) => /\.ts$/.test(f) && !/\.d\.ts$/.test(f) && !/^docs\/examples\//.test(f))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['docs/adding-a-fix.md', 'docs/examples/my-fix.ts']));
    expect(files.filter((f) => /^(test|scratch|node_modules|\.ci)\/|tsconfig|jest\.config|bench/.test(f))).toEqual([]);
  });
});

describe('the installed gfpcheck command', () => {
  it('prints its version, with -v and --version', () => {
    for (const flag of ['-v', '--version']) {
      const r = sh(bin, [flag], tmp);
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toBe(pkg.version);
    }
  });

  it('lists the specs and the stacks', () => {
    const specs = sh(bin, ['list'], tmp);
    expect(specs.status).toBe(0);
    expect(specs.stdout).toMatch(/diehard/);
    const stacks = sh(bin, ['list', 'stacks'], tmp);
    expect(stacks.status).toBe(0);
    expect(stacks.stdout).toMatch(/report-2019/);
  });

  it('checks a reference model (Die Hard: exit 12) and writes JUnit', () => {
    const r = sh(bin, ['check', 'diehard', '--junit', 'diehard.xml', '--quiet'], tmp);
    expect(r.status).toBe(12);
    expect(r.stdout).toContain('Error: Invariant NotSolved is violated.');
    expect(fs.readFileSync(path.join(tmp, 'diehard.xml'), 'utf8')).toContain(`<property name="gfpcheck.version" value="${pkg.version}"/>`);
  });

  it('finds specs/verdicts.json inside the installed package', () => {
    const r = sh(process.execPath, ['-e', `const c = require(${JSON.stringify(path.join(installed, 'dist', 'specs', 'verify', 'command.js'))}); process.stdout.write(c.DEFAULT_EXPECTATIONS)`], tmp);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(path.join(installed, 'specs', 'verdicts.json'));
    expect(fs.existsSync(r.stdout)).toBe(true);
  });

  it("checks a user's TypeScript spec module that imports 'gfpcheck' (ts-node loaded on demand)", () => {
    fs.writeFileSync(
      path.join(project, 'ring.ts'),
      [
        "import { int, Spec } from 'gfpcheck';",
        'export const spec: Spec<{ x: number }> = {',
        "  name: 'ring',",
        '  variables: { x: int(0, 4) },',
        '  init: () => [{ x: 0 }],',
        "  actions: [{ name: 'Tick', next: (s) => ({ x: (s.x + 1) % 5 }) }],",
        "  invariants: [{ name: 'NotFour', holds: (s) => s.x !== 4 }],",
        '};',
        '',
      ].join('\n'),
    );
    const r = sh(bin, ['check', './ring.ts', '--format', 'json', '--quiet'], project);
    expect(r.status).toBe(12);
    expect(JSON.parse(r.stdout)).toMatchObject({ spec: 'ring', result: 'violated', violations: [{ property: 'NotFour' }] });
    const typed = sh(bin, ['check', './ring.ts', '--typecheck', '--quiet'], project);
    expect(typed.stderr).toBe('');
    expect(typed.status).toBe(12);
  });
});

describe("a user's own fix module (docs/adding-a-fix.md)", () => {
  const route = ['--stack', 'report-2019', '--param', 'kswapd=0', '--param', 'daemon_alloc=0', '--param', 'tcmu_kernel=0'];

  it("type-checks against the shipped declarations (import type { Fix } from 'gfpcheck'; strict, no @types/node) and runs with --fix", () => {
    fs.writeFileSync(
      path.join(project, 'noio-pwrite.ts'),
      [
        "import type { Fix, FixDelta, ScopeRule, LayerModule } from 'gfpcheck';",
        "export const layer: LayerModule = { name: 'dm-x', kind: 'remap', description: 'a passthrough', source: 'drivers/md/dm-linear.c' };",
        "const rule = (frame: ScopeRule['frame']): ScopeRule => ({ frame, scope: 'NOIO', role: 'tcmu-runner' });",
        "const delta: FixDelta = { scopes: [rule('ksys_pwrite64'), rule('ksys_pread64')] };",
        "export const fix: Fix = { name: 'noio-pwrite', title: 't', proposedBy: 'me', where: 'here', mechanism: 'memalloc_noio_save around pwrite', delta };",
        '',
      ].join('\n'),
    );
    fs.writeFileSync(
      path.join(project, 'tsconfig.fix.json'),
      JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'commonjs', moduleResolution: 'node', types: [], lib: ['ES2022'], noEmit: true }, files: ['noio-pwrite.ts'] }),
    );
    const tsc = sh(process.execPath, [TSC, '-p', 'tsconfig.fix.json'], project);
    expect(explain(tsc)).toBe(explain({ ...tsc, status: 0, stdout: '', stderr: '' }));
    const r = sh(bin, ['check', ...route, '--fix', './noio-pwrite.ts', '--format', 'json', '--quiet'], project);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ result: 'holds', params: { fixes: 'noio-pwrite' }, stats: { distinctStates: 68 } });
  });

  it('runs the shipped worked example, docs/examples/my-fix.ts, copied out of node_modules (which ts-node does not compile, as the error says)', () => {
    const shipped = path.join(installed, 'docs', 'examples', 'my-fix.ts');
    const inPlace = sh(bin, ['check', ...route, '--fix', shipped], project);
    expect(inPlace.status).toBe(150);
    expect(inPlace.stdout + inPlace.stderr).toContain('(a .ts module inside node_modules is not compiled: copy it out of node_modules)');
    fs.copyFileSync(shipped, path.join(project, 'my-fix.ts'));
    const r = sh(bin, ['check', ...route, '--fix', './my-fix.ts', '--format', 'json', '--quiet'], project);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ result: 'holds', params: { fixes: 'tcmu-io-flusher-per-call' }, stats: { distinctStates: 68 } });
  });
});

describe('the library from a scratch project', () => {
  it("works with require('gfpcheck') in plain JavaScript", () => {
    fs.writeFileSync(
      path.join(project, 'plain.js'),
      [
        "const { check, int, bool } = require('gfpcheck');",
        "if (require('gfpcheck/checker').check !== check) throw new Error('gfpcheck/checker is not the entry point');",
        'const spec = {',
        "  name: 'flip',",
        '  variables: { b: bool(), n: int(0, 2) },',
        '  init: () => [{ b: false, n: 0 }],',
        "  actions: [{ name: 'Flip', guard: (s) => s.n < 2, next: (s) => ({ b: !s.b, n: s.n + 1 }) }],",
        '  checkDeadlock: false,',
        '};',
        'const r = check(spec);',
        'console.log(JSON.stringify({ status: r.status, states: r.stats.distinctStates }));',
      ].join('\n'),
    );
    const r = sh(process.execPath, ['plain.js'], project);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ status: 'holds', states: 3 });
  });

  it("works with import from 'gfpcheck' in an ES module", () => {
    fs.writeFileSync(
      path.join(project, 'esm.mjs'),
      [
        "import { check, int } from 'gfpcheck';",
        "const r = check({ name: 'count', variables: { n: int(0, 3) }, init: () => [{ n: 0 }], actions: [{ name: 'Inc', guard: (s) => s.n < 3, next: (s) => ({ n: s.n + 1 }) }], checkDeadlock: false });",
        'console.log(JSON.stringify({ status: r.status, states: r.stats.distinctStates }));',
      ].join('\n'),
    );
    const r = sh(process.execPath, ['esm.mjs'], project);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ status: 'holds', states: 4 });
  });

  it('type-checks and runs TypeScript against the shipped declarations', () => {
    fs.writeFileSync(
      path.join(project, 'typed.ts'),
      [
        "import { check, int, bool, Spec, CheckResult } from 'gfpcheck';",
        "import { buildReport, renderText } from 'gfpcheck/report';",
        "import { createCli, createMemoryIo, ExitCode } from 'gfpcheck/cli';",
        'type S = { readonly on: boolean; readonly n: number };',
        'const spec: Spec<S> = {',
        "  name: 'typed',",
        '  variables: { on: bool(), n: int(0, 3) },',
        '  init: () => [{ on: false, n: 0 }],',
        "  actions: [{ name: 'Step', guard: (s) => s.n < 3, next: (s) => ({ on: !s.on, n: s.n + 1 }) }],",
        "  invariants: [{ name: 'Small', holds: (s) => s.n < 3 }],",
        '};',
        'const r: CheckResult = check(spec);',
        "const text: string = renderText(buildReport(r, { version: 'scratch', spec }));",
        "const cli = createCli({ version: 'scratch', providers: [{ name: 'mine', list: () => [], resolve: () => undefined }] });",
        "const io = createMemoryIo();",
        "cli.run(['check', 'nothing'], io).then((code: number) => {",
        '  const out = { status: r.status, property: r.violations[0]?.property, text: text.includes("Invariant Small is violated"), usage: code === ExitCode.usage };',
        '  console.log(JSON.stringify(out));',
        '});',
        '',
      ].join('\n'),
    );
    // strict, and no @types/node: the declarations must stand on their own
    fs.writeFileSync(
      path.join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, target: 'ES2022', module: 'commonjs', moduleResolution: 'node', types: [], lib: ['ES2022', 'DOM'], outDir: 'out' }, files: ['typed.ts'] }),
    );
    const tsc = sh(process.execPath, [TSC, '-p', '.'], project);
    expect(explain(tsc)).toBe(explain({ ...tsc, status: 0, stdout: '', stderr: '' }));
    const r = sh(process.execPath, [path.join('out', 'typed.js')], project);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ status: 'violated', property: 'Small', text: true, usage: true });
  });
});
