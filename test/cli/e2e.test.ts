/**
 * End to end: bin/gfpcheck as a process, from other directories and through
 * a node_modules/.bin symlink, checking exit codes and the streams. The runs
 * start together (each pays ts-node's start-up), then the tests look at them.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, REPO } from './helpers';

jest.setTimeout(180_000);

const BIN = path.join(REPO, 'bin', 'gfpcheck');

interface Proc {
  code: number | null;
  out: string;
  err: string;
}

function run(bin: string, args: readonly string[], cwd: string, closeStdout = false): Promise<Proc> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    if (closeStdout) child.stdout.destroy();
    else child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

// A project that installed gfpcheck: node_modules/gfpcheck -> the repo, node_modules/.bin/gfpcheck -> ../gfpcheck/bin/gfpcheck
const project = fs.mkdtempSync(path.join(os.tmpdir(), 'gfpcheck-e2e-'));
fs.mkdirSync(path.join(project, 'node_modules', '.bin'), { recursive: true });
fs.symlinkSync(REPO, path.join(project, 'node_modules', 'gfpcheck'), 'dir');
fs.symlinkSync(path.join('..', 'gfpcheck', 'bin', 'gfpcheck'), path.join(project, 'node_modules', '.bin', 'gfpcheck'));
const LINK = path.join(project, 'node_modules', '.bin', 'gfpcheck');
const tmp = os.tmpdir();

const runs = {
  holds: run(BIN, ['check', 'peterson'], tmp),
  deadlock: run(BIN, ['check', 'philosophers', '--const', 'n=3'], tmp),
  invariant: run(LINK, ['check', 'diehard', '--format', 'json'], project),
  unknownFlag: run(BIN, ['check', 'diehard', '--frobnicate'], tmp),
  unknownSpec: run(BIN, ['check', 'dihard'], tmp),
  badStore: run(BIN, ['check', 'diehard', '--store', 'bloom'], tmp),
  outOfDomain: run(BIN, ['check', path.join(FIXTURES, 'outOfDomain.ts')], tmp),
  throws: run(BIN, ['check', './throws.ts', '--format', 'json'], FIXTURES),
  incomplete: run(BIN, ['check', 'twophase', '--max-states', '10'], tmp),
  epipe: run(BIN, ['check', 'diehard'], tmp, true),
};

afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

describe('bin/gfpcheck', () => {
  it('exits 0 for a holding reference model, from another directory', async () => {
    const r = await runs.holds;
    expect(r.code).toBe(0);
    expect(r.out).toContain('Model checking completed. No error has been found.');
  });

  it('exits 11 for the dining philosophers', async () => {
    const r = await runs.deadlock;
    expect(r.code).toBe(11);
    expect(r.out).toContain('Error: Deadlock reached.');
  });

  it('exits 12 for DieHard, through a node_modules/.bin symlink, with clean JSON on stdout', async () => {
    const r = await runs.invariant;
    expect(r.code).toBe(12);
    expect(JSON.parse(r.out)).toMatchObject({ tool: 'gfpcheck', result: 'violated' });
    expect(r.err).toBe('');
  });

  it.each([
    ['unknownFlag', /^gfpcheck: error: unknown option --frobnicate\n/],
    ['unknownSpec', /^gfpcheck: error: unknown spec 'dihard'\ngfpcheck: hint: did you mean 'diehard'\?/],
    ['badStore', /^gfpcheck: error: invalid value 'bloom' for --store\n/],
  ] as const)('exits 151 for %s, with a message and a hint but no stack trace', async (name, message) => {
    const r = await runs[name];
    expect(r.code).toBe(151);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n').length).toBeLessThanOrEqual(2);
    expect(r.out).toBe('');
  });

  it('exits 150 for a value outside its domain', async () => {
    const r = await runs.outOfDomain;
    expect(r.code).toBe(150);
    expect(r.out).toContain('Error code MC201');
  });

  it('exits 150 for an action that throws, loading a module relative to the current directory', async () => {
    const r = await runs.throws;
    expect(r.code).toBe(150);
    expect(JSON.parse(r.out)).toMatchObject({ result: 'error', error: { code: 'MC202' } });
  });

  it('exits 152 for a search stopped by --max-states, and never says no error was found', async () => {
    const r = await runs.incomplete;
    expect(r.code).toBe(152);
    expect(r.out).toContain('Search incomplete');
    expect(r.out).not.toContain('No error has been found');
  });

  it('exits 153, quietly, when stdout is closed (EPIPE)', async () => {
    const r = await runs.epipe;
    expect(r.code).toBe(153);
    expect(r.err).toBe('');
  });
});
