/**
 * Issue 15, defects 3 and 4: a signal or a failed write never loses a result.
 *
 * - The first SIGINT/SIGTERM stops the search cleanly: the report of what was
 *   found so far (violations with traces, stats) is written, as incomplete
 *   (152), to stdout or --out. A second signal exits at once (130/143).
 * - `verify` prints the cells decided before the signal (152).
 * - A failed write of the report (a full disk) is exit 153, whatever the verdict.
 * Real child processes (bin/gfpcheck), as a user's shell or CI runs them.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createCli, createMemoryIo, resolveCliConfig } from '../../checker/cli';
import { clearInterrupt, requestInterrupt } from '../../checker/interrupt';
import { gfpcheckConfig } from '../../specs/cli';
import { verifyCommand } from '../../specs/verify/command';
import { realExpectations, REPO, smallMainMatrix, subset, tempExpectations } from '../verify/helpers';
import { rowLabel } from '../../specs/verify/expectations';
import { checkInWorkers } from '../../checker';
import type { CheckResult } from '../../checker';

jest.setTimeout(180_000);

const BIN = path.join(REPO, 'bin', 'gfpcheck');
const SLOW = path.join(__dirname, 'fixtures', 'slow.ts');

/** Starts gfpcheck, sends `signals` once the slow spec is loaded (and 300 ms more), resolves with what it printed. */
function interrupt(args: string[], signals: NodeJS.Signals[], env: Record<string, string> = {}): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    let sent = false;
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => {
      err += d;
      if (!sent && err.includes('slow spec loaded')) {
        sent = true;
        // one signal every 500 ms (signals sent at once would merge into one)
        signals.forEach((s, i) => setTimeout(() => p.kill(s), 300 + 500 * i));
      }
    });
    p.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });
}

describe('signals: the first stops the search and keeps what it found', () => {
  it('SIGINT during check --all-violations: exit 152, the violations found so far, stats, --out written', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gfpcheck-sig-'));
    const out = path.join(dir, 'report.json');
    const r = await interrupt(['check', SLOW, '--all-violations', '--format', 'json', '--out', out], ['SIGINT']);
    expect(r.code).toBe(152);
    expect(r.err).toMatch(/SIGINT: stopping the search/);
    const report = JSON.parse(fs.readFileSync(out, 'utf8'));
    expect(report).toMatchObject({ result: 'incomplete', complete: false, interrupted: true, incompleteReason: 'interrupted by SIGINT' });
    expect(report.violations.map((v: { property: string }) => v.property)).toEqual(['ANotTwo', 'BNotThree']);
    expect(report.violations[0].trace).toHaveLength(3);
    expect(report.stats.distinctStates).toBeGreaterThan(0);
    expect(report.stats.distinctStates).toBeLessThan(27_000_000);
    expect(fs.readdirSync(dir)).toEqual(['report.json']); // atomic write: no temporary file left
  });

  it('SIGTERM during check: the text report on stdout says incomplete, never holds', async () => {
    const r = await interrupt(['check', SLOW, '--all-violations'], ['SIGTERM']);
    expect(r.code).toBe(152);
    expect(r.out).toMatch(/Error: Invariant ANotTwo is violated\./);
    expect(r.out).toMatch(/^Search incomplete: interrupted by SIGTERM\.$/m);
    expect(r.out).not.toMatch(/No error has been found/);
  });

  it('a second signal exits at once', async () => {
    // the first stops the search; the report is then slow to build (3 s explanations), and the second ends it
    const r = await interrupt(['check', SLOW, '--all-violations'], ['SIGTERM', 'SIGTERM'], { GFPCHECK_TEST_SLOW_EXPLAIN: '1' });
    expect(r.code === 143 || r.signal === 'SIGTERM').toBe(true);
    expect(r.err).toMatch(/SIGTERM: stopping the search/);
    expect(r.out).toBe('');
  });
});

describe('verify: a stop request keeps the decided cells', () => {
  afterEach(() => clearInterrupt());

  it('prints the cells decided before it and exits 152, writing the JUnit file', async () => {
    const file = tempExpectations(subset(['none', 'io-flusher'], ['2019-thread']));
    const io = createMemoryIo({ cwd: REPO });
    const stderr = io.stderr;
    // the progress line after the first cell stands for the signal
    io.stderr = (t: string) => {
      stderr(t);
      if (t.startsWith('verify: fix set 1/')) requestInterrupt(2);
    };
    const cmd = verifyCommand(resolveCliConfig(gfpcheckConfig()));
    const o = cmd.validate({ expect: file, junit: `${file}.xml` });
    if (!o.ok) throw new Error('bad argv');
    const code = await cmd.run(o.value, { io, config: resolveCliConfig(gfpcheckConfig()) });
    expect(code).toBe(152);
    expect(io.out).toContain('Interrupted by SIGINT: 1 of 2 cells decided');
    expect(io.files.get(`${file}.xml`)).toContain('tests="1"');
  });
});

describe('verify: a stop request during the bound ladder', () => {
  afterEach(() => clearInterrupt());

  it('keeps the base matrix and the rung cells decided before it, and exits 152', async () => {
    // two base cells of the 2019-thread column with their pinned rungs (small: at most 1,153 states a rung)
    const real = realExpectations();
    const base = subset(['none', 'io-flusher'], ['2019-thread'], real);
    const rungsOf = (label: string) => real.rows.find((r) => rowLabel(r) === label)?.cells['2019-thread']?.rungs;
    const e = { ...base, ladder: real.ladder, rows: base.rows.map((r) => ({ ...r, cells: { '2019-thread': { ...r.cells['2019-thread'], rungs: rungsOf(rowLabel(r)) } } })) };
    const file = tempExpectations(e);
    const io = createMemoryIo({ cwd: REPO });
    const stderr = io.stderr;
    // the progress line of the first base cell's rungs stands for the signal
    io.stderr = (t: string) => {
      stderr(t);
      if (t.startsWith('verify: ladder 1:')) requestInterrupt(15);
    };
    const cmd = verifyCommand(resolveCliConfig(gfpcheckConfig()));
    const o = cmd.validate({ expect: file, ladder: 'pinned' });
    if (!o.ok) throw new Error('bad argv');
    const code = await cmd.run(o.value, { io, config: resolveCliConfig(gfpcheckConfig()) });
    expect(code).toBe(152);
    const rungs = (e.ladder ?? []).filter((g) => rungsOf('none')?.[g.id] !== undefined).length;
    expect(rungs).toBeGreaterThan(1);
    expect(io.out).toContain('All 2 cells match');
    expect(io.out).toContain(`Bound ladder interrupted by SIGTERM: ${rungs} of ${2 * rungs} rung cells decided (shown above)`);
    expect(io.out).toMatch(/none x 2019-thread: base deadlock/);
    expect(io.out).not.toMatch(/io-flusher x 2019-thread: base/);
  });
});

describe('worker threads see a stop request', () => {
  afterEach(() => clearInterrupt());

  it('a check running on a worker of the pool ends incomplete', () => {
    // 10^7 states: without the shared flag the worker would search them all
    requestInterrupt(2);
    let got: CheckResult | undefined;
    checkInWorkers([{ recipe: { module: path.join(REPO, 'specs', 'reference', 'counter'), exportName: 'counterPacked', args: [{ k: 7, m: 10 }] }, options: { store: { kind: 'fingerprint' }, maxOmission: 1e-5 } }], 1, () => 0, (_i, r) => (got = r));
    expect(got?.interrupted).toBe(true);
    expect(got?.status).toBe('incomplete');
    expect(got?.stats.distinctStates).toBeLessThan(10_000_000);
  });
});

describe('main: a stop request keeps the decided cells of the matrix', () => {
  afterEach(() => clearInterrupt());

  it('prints the cells decided before it and exits 152 without checking the stack', async () => {
    const io = createMemoryIo({ cwd: REPO, files: smallMainMatrix() });
    const stderr = io.stderr;
    io.stderr = (t: string) => {
      stderr(t);
      if (t.startsWith('main: cell 2/')) requestInterrupt(15);
    };
    const code = await createCli(gfpcheckConfig()).run(['main', '--format', 'mail'], io);
    expect(code).toBe(152);
    expect(io.err).toContain('main: cell 1/16 done: none x 2019-write');
    expect(io.out).toContain('Interrupted by SIGTERM: 2 of 16 cells decided');
    expect(io.out).not.toMatch(/^Verdict: /m);
  });
});

describe('a failed write is exit 153', () => {
  const full = fs.existsSync('/dev/full');
  (full ? it : it.skip).each([
    ['twophase (holds)', ['check', 'twophase']],
    ['diehard (violated)', ['check', 'diehard']],
  ])('%s > /dev/full', (_name, args) => {
    const fd = fs.openSync('/dev/full', 'w');
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
    fs.closeSync(fd);
    expect(r.status).toBe(153);
    expect(r.stderr).toMatch(/cannot write to stdout: ENOSPC/);
  });

  it('--out to a directory that does not exist: 153, and the message names the file', () => {
    const r = spawnSync(process.execPath, [BIN, 'check', 'diehard', '--out', '/nonexistent-dir/r.txt'], { cwd: REPO, encoding: 'utf8' });
    expect(r.status).toBe(153);
    expect(r.stderr).toMatch(/cannot write --out \/nonexistent-dir\/r\.txt/);
  });
});
