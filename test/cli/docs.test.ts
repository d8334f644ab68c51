/**
 * The documentation stays true: the exit-code table matches the code, every
 * transcript in docs/cli.md and docs/api.md is what gfpcheck prints, every
 * error code is documented, and the worked example of docs/api.md is the
 * fixture that the tests run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EXIT_CODE_TABLE } from '../../checker/cli';
import { gfpcheck, REPO } from './helpers';

const read = (p: string): string => fs.readFileSync(path.join(REPO, p), 'utf8');

/** Times, rates, memory and the version vary between runs and releases. */
function normalise(text: string): string {
  return text
    .replace(/^Finished in .*$/gm, 'Finished in <time>')
    .replace(/^Bytes per state: .*$/gm, 'Bytes per state: <n>')
    .replace(/"(seconds|statesPerSecond|bytesPerState)": [0-9.e+-]+/g, '"$1": 0')
    .replace(/^gfpcheck \d+\.\d+\.\d+\S*:/gm, 'gfpcheck <version>:')
    .replace(/"version": "[^"]*"/g, '"version": "<version>"');
}

interface Transcript {
  readonly file: string;
  readonly args: string[];
  readonly output: string;
  readonly code: number;
}

/** The `console` blocks of a markdown file: `$ gfpcheck ...`, the output, `$ echo $?`, the code. */
function transcripts(file: string): Transcript[] {
  const blocks = [...read(file).matchAll(/```console\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.map((b) => {
    const lines = b.replace(/\n$/, '').split('\n');
    const cmd = /^\$ gfpcheck (.*)$/.exec(lines[0]);
    if (!cmd || lines[lines.length - 2] !== '$ echo $?') throw new Error(`${file}: malformed transcript:\n${b}`);
    return { file, args: cmd[1].split(/\s+/), output: lines.slice(1, -2).join('\n'), code: Number(lines[lines.length - 1]) };
  });
}

describe('docs/cli.md', () => {
  it('should have the exit-code table of checker/cli/exitCodes.ts', () => {
    // Arrange
    const rows = [...read('docs/cli.md').matchAll(/^\| (\d+) \| (.*) \|$/gm)].map((m) => ({ code: Number(m[1]), meaning: m[2] }));
    // Assert
    expect(rows).toEqual(EXIT_CODE_TABLE.map((r) => ({ code: r.code, meaning: r.meaning })));
  });

  const all = [...transcripts('docs/cli.md'), ...transcripts('docs/api.md')];
  it.each(all.map((t) => [`${t.file}: gfpcheck ${t.args.join(' ')}`, t] as const))('%s', async (_name, t) => {
    // Act
    const r = await gfpcheck(t.args);
    // Assert
    expect(normalise(`${r.out}${r.err}`.replace(/\n$/, ''))).toBe(normalise(t.output));
    expect(r.code).toBe(t.code);
  });
});

describe('docs/error-codes.md', () => {
  it('should document every error code of checker/result.ts', () => {
    const codes = [...new Set([...read('checker/result.ts').matchAll(/'(MC\d{3})'/g)].map((m) => m[1]))];
    const doc = read('docs/error-codes.md');
    expect(codes.length).toBeGreaterThan(5);
    for (const code of codes) expect(doc).toMatch(new RegExp(`^## ${code}\\b`, 'm'));
  });
});

describe('docs/api.md', () => {
  it('should show the worked example exactly as test/cli/fixtures/dieHardFromScratch.ts', () => {
    const doc = read('docs/api.md');
    const block = /```ts\n(\/\*\*\n \* Die Hard, written from scratch[\s\S]*?)```/.exec(doc);
    expect(block?.[1]).toBe(read('test/cli/fixtures/dieHardFromScratch.ts'));
  });
});

describe('docs/api.md, step 7', () => {
  it('should give the results the page shows', () => {
    // Arrange
    const { check, replayActions } = require('../../checker') as typeof import('../../checker');
    const { buildReport, renderText } = require('../../checker/report') as typeof import('../../checker/report');
    const { spec } = require('./fixtures/dieHardFromScratch') as typeof import('./fixtures/dieHardFromScratch');
    // Act
    const result = check(spec, { strategy: 'bfs', store: { kind: 'exact' } });
    const states = replayActions(spec, [
      { action: 'Fill', param: 'big' },
      { action: 'Pour', param: 'big into small' },
    ]);
    // Assert
    expect([result.status, result.violations[0].property, result.violations[0].trace.length, result.stats.distinctStates]).toEqual(['violated', 'NotSolved', 7, 14]);
    expect(renderText(buildReport(result, { version: 'dev', spec }))).toContain('State 7: <Pour big into small>');
    expect(states[2]).toEqual({ small: 3, big: 2 });
  });
});
