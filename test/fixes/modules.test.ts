/**
 * A user's own fix, without forking (specs/fixes/module.ts): `--fix
 * ./my-fix.ts` (and .js) from the command line, a verify row naming a fix
 * module relative to its expectations file, the worked example of
 * docs/adding-a-fix.md, and every bad input (missing, does not compile,
 * throws, wrong shape, unknown role, site, flag, frame or field): a clear
 * message naming the problem, exit 150 (MC101), never a stack trace.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import { FIXES, composeFixes, deltaProblems, fixProblems, resolveFixes } from '../../specs/fixes';
import { defaultKernelConfig, PF_BITS, ROLES } from '../../models';
import { gfpcheck, REPO } from '../cli/helpers';

jest.setTimeout(120_000);

const EXAMPLE = './docs/examples/my-fix.ts';
/** The 2019 stack with only the thread's route: tcmu-runner allocates only inside pwrite. */
const THREAD_ROUTE = ['--stack', 'report-2019', '--param', 'kswapd=0', '--param', 'daemon_alloc=0', '--param', 'tcmu_kernel=0'];
/** The same with tcmu-runner's heap fault (its per-command malloc, outside pwrite). */
const HEAP_FAULT = ['--stack', 'report-2019', '--param', 'kswapd=0', '--param', 'tcmu_kernel=0'];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gfpcheck-fixmod-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** Writes a module into the scratch directory and returns its absolute path (a fresh name each time: require caches). */
function write(ext: string, text: string): string {
  const p = path.join(tmp, `fix${++n}.${ext}`);
  fs.writeFileSync(p, text);
  return p;
}

const header = 'name: "my-fix", title: "t", proposedBy: "me", where: "here", mechanism: "m"';
const jsFix = (delta: string, extra = ''): string => `module.exports = { fix: { ${header}, ${extra} delta: ${delta} } };\n`;

interface Json {
  result: string;
  stats: { distinctStates: number };
  params: Record<string, string>;
  violations: { kind: string; class?: string; trace: unknown[] }[];
}
async function checkJson(args: readonly string[]): Promise<{ code: number; r: Json }> {
  const run = await gfpcheck(['check', ...args, '--all-violations', '--format', 'json', '--quiet']);
  return { code: run.code, r: JSON.parse(run.out) as Json };
}

describe('the structural validator', () => {
  it('accepts every built-in fix (the form a fix module copies)', () => {
    for (const f of FIXES) expect([f.name, fixProblems(f)]).toEqual([f.name, []]);
  });

  it('names the path of each bad field', () => {
    const problems = deltaProblems({
      taskFlags: { 'tcmu-runnr': ['PF_MEMALLOC_NOIO'], kswapd: ['PF_NOIO', 3] },
      scopes: [{ frame: 'ksys_pwrite', scope: 'NOFS', rol: 'tcmu-runner' }, 'x'],
      allocSites: { tcmu_alloc_cmd: 'GFP_NOIO|__GFP_FOO', nope: 'GFP_NOIO' },
      mappingClear: { btrfs: ['__GFP_FS'] },
      bioCarriesScope: 'yes',
      xfsInodeReclaim: 'lazy',
      mapingClear: {},
    });
    // the lists of known names come from the model (they grow with it): checked apart
    const known = (p: string): string => p.replace(/known: .*$/, 'known: <list>').replace(/may set: .*$/, 'may set: <list>');
    expect(problems.map(known)).toEqual([
      'delta.taskFlags["tcmu-runnr"]: unknown role "tcmu-runnr"; did you mean "tcmu-runner"? known: <list>',
      'delta.taskFlags.kswapd[0]: unknown task flag "PF_NOIO"; known: <list>',
      'delta.taskFlags.kswapd[1]: expected task flag (a string), got 3',
      'delta.scopes[0].frame: unknown frame "ksys_pwrite"; did you mean "ksys_pwrite64"? the known names are in the FRAME_SOURCES of models/core/frames.ts',
      'delta.scopes[0].rol: unknown field; known fields: frame, scope, role, lowerFsOnly, why',
      'delta.scopes[1]: expected an object, got "x"',
      'delta.allocSites.tcmu_alloc_cmd: unknown GFP flag "__GFP_FOO" in "GFP_NOIO|__GFP_FOO"; did you mean "__GFP_IO"? the known names are in models/mm/gfp.ts',
      'delta.allocSites.nope: unknown allocation site "nope"; known: <list>',
      'delta.mappingClear.btrfs: unknown filesystem "btrfs"; known: <list>',
      'delta.bioCarriesScope: expected true or false, got "yes"',
      'delta.xfsInodeReclaim: unknown XFS inode reclaim mode "lazy"; known: sync-wait, nonblocking',
      'delta.mapingClear: unknown field; a delta may set: <list>',
    ].map(known));
    expect(problems[0]).toContain(`known: ${ROLES.join(', ')}`);
    expect(problems[1]).toContain(`known: ${PF_BITS.join(', ')}`);
    expect(problems[7]).toContain(`known: ${Object.keys(defaultKernelConfig.allocSites).join(', ')}`);
    expect(problems[8]).toContain(`known: ${Object.keys(defaultKernelConfig.mappingClear).join(', ')}`);
    expect(problems[11]).toContain(`a delta may set: ${Object.keys(defaultKernelConfig).join(', ')}`);
  });

  it('requires the fields of a Fix, and a kebab-case name', () => {
    expect(fixProblems({ name: 'My Fix', delta: {}, extra: 1 })).toEqual([
      'fix.name: "My Fix" is not a kebab-case name (lower-case letters, digits and -)',
      'fix.title: missing',
      'fix.proposedBy: missing',
      'fix.where: missing',
      'fix.mechanism: missing',
      'fix.extra: unknown field; known fields: name, title, proposedBy, where, mechanism, merged, modelNote, delta',
    ]);
    expect(fixProblems([])).toEqual(['fix: expected an object, got an array']);
  });
});

describe('the worked example of docs/adding-a-fix.md (docs/examples/my-fix.ts)', () => {
  it('loads as a fix whose delta is two NOIO scope rules of tcmu-runner', () => {
    const r = resolveFixes([EXAMPLE], REPO);
    expect(r.ok).toBe(true);
    const fixes = r.ok ? r.fixes : [];
    expect(fixes.map((f) => f.name)).toEqual(['tcmu-io-flusher-per-call']);
    expect(composeFixes(fixes).scopes?.map((s) => [s.frame, s.scope, s.role])).toEqual([
      ['ksys_pwrite64', 'NOIO', 'tcmu-runner'],
      ['ksys_pread64', 'NOIO', 'tcmu-runner'],
    ]);
  });

  it('holds on the route the thread saw (68 distinct states)', async () => {
    const { code, r } = await checkJson([...THREAD_ROUTE, '--fix', EXAMPLE]);
    expect([code, r.result, r.stats.distinctStates, r.params.fixes]).toEqual([0, 'holds', 68, 'tcmu-io-flusher-per-call']);
  });

  it("deadlocks in R1 once tcmu-runner's heap fault is modelled: the fault is outside the pwrite scope (93 states, 18 steps)", async () => {
    const { code, r } = await checkJson([...HEAP_FAULT, '--fix', EXAMPLE]);
    expect([code, r.result, r.stats.distinctStates]).toEqual([11, 'violated', 93]);
    expect(r.violations.map((v) => [v.class, v.trace.length - 1])).toEqual([['tcmu-runner@xfs_buf_iowait', 18]]);
  });

  it('composes with a named fix, either order (io-flusher covers the whole thread: 179 states, holds)', async () => {
    for (const order of [[EXAMPLE, 'io-flusher'], ['io-flusher', EXAMPLE]]) {
      const { code, r } = await checkJson([...HEAP_FAULT, ...order.flatMap((f) => ['--fix', f])]);
      expect([code, r.result, r.stats.distinctStates]).toEqual([0, 'holds', 179]);
    }
  });

  it('gives the same search as the same delta written in plain JavaScript', async () => {
    const js = write(
      'js',
      jsFix(`{ scopes: [{ frame: 'ksys_pwrite64', scope: 'NOIO', role: 'tcmu-runner' }, { frame: 'ksys_pread64', scope: 'NOIO', role: 'tcmu-runner' }] }`),
    );
    const { code, r } = await checkJson([...HEAP_FAULT, '--fix', js]);
    expect([code, r.result, r.stats.distinctStates, r.violations.map((v) => v.class)]).toEqual([11, 'violated', 93, ['tcmu-runner@xfs_buf_iowait']]);
  });

  it('differs from PF_MEMALLOC_NOIO on the whole thread only by the heap fault (68 states on the route, holds in 74 with the fault)', async () => {
    const whole = write('js', jsFix(`{ taskFlags: { 'tcmu-runner': ['PF_MEMALLOC_NOIO'] } }`));
    const a = await checkJson([...THREAD_ROUTE, '--fix', whole]);
    const b = await checkJson([...HEAP_FAULT, '--fix', whole]);
    expect([a.code, a.r.result, a.r.stats.distinctStates, b.code, b.r.result, b.r.stats.distinctStates]).toEqual([0, 'holds', 68, 0, 'holds', 74]);
  });

  it('is shown in docs/adding-a-fix.md exactly as docs/examples/my-fix.ts', () => {
    const doc = fs.readFileSync(path.join(REPO, 'docs', 'adding-a-fix.md'), 'utf8');
    expect(/```ts\n(\/\*\*\n \* `tcmu-io-flusher-per-call`[\s\S]*?)```/.exec(doc)?.[1]).toBe(fs.readFileSync(path.join(REPO, EXAMPLE), 'utf8'));
  });

  it('is a verify row of docs/examples/my-fix-matrix.json, its path relative to that file', async () => {
    const run = await gfpcheck(['verify', '--expect', 'docs/examples/my-fix-matrix.json']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^\.\/my-fix\.ts {2}holds \(68\) {9}deadlock R1 \(93\)$/m);
  });

  it('resolves a row\'s module against the expectations file, not the current directory', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'expect-'));
    fs.mkdirSync(path.join(dir, 'fixes'));
    fs.copyFileSync(path.join(REPO, EXAMPLE), path.join(dir, 'fixes', 'mine.ts'));
    const e = JSON.parse(fs.readFileSync(path.join(REPO, 'docs/examples/my-fix-matrix.json'), 'utf8')) as { columns: unknown[]; rows: { fixes: string[]; cells: Record<string, unknown> }[] };
    const file = path.join(dir, 'e.json');
    fs.writeFileSync(file, JSON.stringify({ columns: e.columns.slice(0, 1), rows: [{ fixes: ['./fixes/mine.ts'], cells: { 'thread-route': { verdict: 'holds', states: 68, liveness: 'holds' } } }] }));
    const run = await gfpcheck(['verify', '--expect', file, '--quiet']);
    expect([run.code, run.err]).toEqual([0, '']);
  });
});

describe('bad fix modules: a clear message, exit 150 (MC101), never a stack trace', () => {
  const bad = async (ref: string, args: readonly string[] = ['--stack', 'ext4/ssd']): Promise<string> => {
    const run = await gfpcheck(['check', ...args, '--fix', ref]);
    expect(run.code).toBe(150);
    expect(run.out + run.err).toContain('Error code MC101');
    expect(run.out + run.err).not.toMatch(/^\s+at /m);
    return run.out + run.err;
  };

  it('a missing file', async () => {
    expect(await bad('./no-such-fix.ts')).toContain(`cannot find fix module './no-such-fix.ts' (looked for ${path.join(REPO, 'no-such-fix.ts')})`);
  });

  it('a TypeScript syntax error, with file:line:column', async () => {
    const p = write('ts', "import type { Fix } from 'gfpcheck';\nexport const fix: Fix = { name: 'x', delta: { scopes: [ } };\n");
    expect(await bad(p)).toMatch(/cannot compile fix module '.*fix\d+\.ts': syntax error:\n.*fix\d+\.ts:2:\d+: .*\(TS\d+\)/);
  });

  it('a JavaScript syntax error', async () => {
    expect(await bad(write('js', 'module.exports = { fix: { ;\n'))).toMatch(/cannot load fix module '.*fix\d+\.js': .*Unexpected token/);
  });

  it('a module that throws when loaded', async () => {
    expect(await bad(write('js', "throw new Error('no fix today');\n"))).toMatch(/cannot load fix module '.*fix\d+\.js': no fix today/);
  });

  it('a module that exports no fix', async () => {
    expect(await bad(write('js', 'exports.answer = 42;\n'))).toMatch(/exports no fix: expected a default export, an export named 'fix', or one exported object with a 'delta' .*; its exports: answer/);
  });

  it('a module that exports two fixes', async () => {
    const text = `exports.a = { ${header}, delta: {} };\nexports.b = { ${header}, delta: {} };\n`;
    expect(await bad(write('js', text))).toContain("it exports 2 objects with a delta ('a', 'b')");
  });

  it('a type error: a field of the wrong type (a flag where a list belongs)', async () => {
    const p = write('ts', `export const fix = { ${header}, delta: { taskFlags: { 'tcmu-runner': 'PF_MEMALLOC_NOIO' } } };\n`);
    expect(await bad(p)).toMatch(/is not a valid fix: 1 problem:\n {2}fix\.delta\.taskFlags\["tcmu-runner"\]: expected an array, got "PF_MEMALLOC_NOIO"/);
  });

  it('an unknown role, allocation site, task flag, GFP flag and frame', async () => {
    const text = jsFix(
      `{ taskFlags: { 'my-daemon': ['PF_MEMALLOC_NOIO'], 'tcmu-runner': ['PF_IO_FLUSHER'] }, allocSites: { tcmu_alloc_cmd: 'GFP_NOIO', tcmu_alloc_data: 'GFP_NOIO' }, allocMasks: { tcmur_malloc_fault: ['__GFP_FS', '__GFP_NOFS'] }, scopes: [{ frame: 'ksys_write', scope: 'NOIO' }] }`,
    );
    const out = await bad(write('js', text));
    expect(out).toContain('is not a valid fix: 5 problems:');
    expect(out).toContain('fix.delta.taskFlags["my-daemon"]: unknown role "my-daemon"');
    expect(out).toContain('fix.delta.taskFlags["tcmu-runner"][0]: unknown task flag "PF_IO_FLUSHER"');
    expect(out).toContain('fix.delta.allocSites.tcmu_alloc_data: unknown allocation site "tcmu_alloc_data"; did you mean "tcmu_alloc_cmd"?');
    expect(out).toContain('fix.delta.allocMasks.tcmur_malloc_fault[1]: unknown GFP flag "__GFP_NOFS"');
    expect(out).toContain('fix.delta.scopes[0].frame: unknown frame "ksys_write"; did you mean "ksys_pwrite64"?');
  });

  it('a fix named like a built-in one', async () => {
    const text = `module.exports = { name: 'io-flusher', title: 't', proposedBy: 'p', where: 'w', mechanism: 'm', delta: {} };\n`;
    expect(await bad(write('js', `module.exports.default = ${text.replace('module.exports = ', '')}`))).toContain('names its fix "io-flusher", the name of a built-in fix');
  });

  it('in a verify row: exit 150 before any search', async () => {
    const file = write('json', JSON.stringify({ columns: [{ id: 'c', title: 'c', kind: 'safety', stack: 'ext4/ssd', workload: 'write' }], rows: [{ fixes: ['./missing.js'], cells: {} }] }));
    const run = await gfpcheck(['verify', '--expect', file, '--quiet']);
    expect(run.code).toBe(150);
    expect(run.out + run.err).toContain(`expectations: cannot find fix module './missing.js' (looked for ${path.join(tmp, 'missing.js')})`);
  });

  it('an unknown built-in fix name stays a usage error (151)', async () => {
    const run = await gfpcheck(['check', '--stack', 'ext4/ssd', '--fix', 'io-flushr']);
    expect(run.code).toBe(151);
    expect(run.err).toContain('unknown fix "io-flushr"');
  });
});

describe('the compiled command (bin/gfpcheck, dist/)', () => {
  it('loads the .ts example through ts-node on demand, and reports a bad module without a stack trace', () => {
    if (!fs.existsSync(path.join(REPO, 'dist', 'specs', 'cli.js'))) throw new Error('no build in dist/: run `npm run build` (npm test does) before this suite');
    const bin = path.join(REPO, 'bin', 'gfpcheck');
    const good = spawnSync(process.execPath, [bin, 'check', ...THREAD_ROUTE, '--fix', EXAMPLE, '--quiet'], { cwd: REPO, encoding: 'utf8' });
    expect(good.status).toBe(0);
    expect(good.stdout).toContain('68 distinct states found');
    const p = write('ts', `export const fix = { ${header}, delta: { taskFlags: { 'tcmu-runnr': ['PF_MEMALLOC_NOIO'] } } };\n`);
    const r = spawnSync(process.execPath, [bin, 'check', '--stack', 'ext4/ssd', '--fix', p], { cwd: REPO, encoding: 'utf8' });
    expect(r.status).toBe(150);
    expect(r.stdout + r.stderr).toContain('fix.delta.taskFlags["tcmu-runnr"]: unknown role "tcmu-runnr"; did you mean "tcmu-runner"?');
    expect(r.stdout + r.stderr).not.toMatch(/^\s+at /m);
  });
});
