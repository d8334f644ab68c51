/**
 * docs/fixes.md and docs/adding-a-fix.md stay true: every `console`
 * transcript is what gfpcheck prints (and exits with), the matrix of
 * fixes.md is specs/verdicts.json, and every fix has its section.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fixNames } from '../../specs/fixes';
import { gfpcheck } from '../cli/helpers';
import { rowLabel } from '../../specs/verify/expectations';
import { realExpectations, REPO } from './helpers';

jest.setTimeout(120_000);

const read = (p: string): string => fs.readFileSync(path.join(REPO, p), 'utf8');

/** Times and the version vary between runs and releases. */
const normalise = (text: string): string =>
  text.replace(/^Finished in .*$/gm, 'Finished in <time>').replace(/^gfpcheck \d+\.\d+\.\d+\S*:/gm, 'gfpcheck <version>:');

function transcripts(file: string): { args: string[]; output: string; code: number }[] {
  return [...read(file).matchAll(/```console\n([\s\S]*?)```/g)].map((m) => {
    const lines = m[1].replace(/\n$/, '').split('\n');
    const cmd = /^\$ gfpcheck (.*)$/.exec(lines[0]);
    if (!cmd || lines[lines.length - 2] !== '$ echo $?') throw new Error(`${file}: malformed transcript:\n${m[1]}`);
    return { args: cmd[1].split(/\s+/), output: lines.slice(1, -2).join('\n'), code: Number(lines[lines.length - 1]) };
  });
}

describe.each(['docs/fixes.md', 'docs/adding-a-fix.md'])('%s transcripts', (file) => {
  const all = transcripts(file);
  it('should have transcripts', () => expect(all.length).toBeGreaterThan(0));
  it.each(all.map((t) => [`gfpcheck ${t.args.join(' ')}`, t] as const))('%s', async (_name, t) => {
    const r = await gfpcheck(t.args);
    expect(normalise(`${r.out}${r.err}`.replace(/\n$/, ''))).toBe(normalise(t.output));
    expect(r.code).toBe(t.code);
  });
});

describe('docs/fixes.md', () => {
  const doc = read('docs/fixes.md');

  it('should show the matrix of specs/verdicts.json', () => {
    // Arrange: the markdown table rows, cell text "**verdict**: `class`, `class` (N states)" or "holds (N states)"
    const e = realExpectations();
    const rows = [...doc.matchAll(/^\| `([^`]+)` \| (.*) \|$/gm)].map((m) => ({ label: m[1], cells: m[2].split(' | ') }));
    // Assert
    expect(rows.map((r) => r.label)).toEqual(e.rows.map(rowLabel));
    rows.forEach((r, i) => {
      // base bounds (the rungs of the bound ladder have their own section, docs/fixes.md "Bound ladder")
      // (and without the liveness column, which the gate pins and docs/routes.md, "Liveness", explains)
      const expected = e.columns.map((c) => e.rows[i].cells[c.id]).map(({ rungs: _rungs, liveness: _l, livelocks: _ll, ...base }) => base);
      const shown = r.cells.map((text) => {
        const m = /^(?:\*\*)?([a-z-]+)(?:\*\*)?(?:: (.*))? \(([\d,]+) states\)$/.exec(text);
        if (!m) throw new Error(`unparsable cell ${text}`);
        return { verdict: m[1], ...(m[2] ? { classes: [...m[2].matchAll(/`([^`]+)`/g)].map((x) => x[1]) } : {}), states: Number(m[3].replace(/,/g, '')) };
      });
      expect(shown).toEqual(expected);
    });
  });

  it('should have a section for every fix and the combination', () => {
    for (const n of fixNames()) expect(doc).toMatch(new RegExp(`^### \`${n}\` — `, 'm'));
    expect(doc).toMatch(/^### `io-flusher` \+ `tcmu-gfp-noio`$/m);
  });
});
