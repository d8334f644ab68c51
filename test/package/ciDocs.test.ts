/**
 * docs/ci.md stays the gate: its GitHub Actions workflow and GitLab job run
 * what `npm test` runs (after `npm ci`, whose `prepare` builds), plus
 * `--junit` on the verdict gate, and every gfpcheck command line in it passes
 * the CLI's argv validation (run against a missing file, so nothing is checked).
 */
import * as fs from 'fs';
import * as path from 'path';
import { gfpcheck } from '../cli/helpers';

const REPO = path.resolve(__dirname, '..', '..');
const doc = fs.readFileSync(path.join(REPO, 'docs', 'ci.md'), 'utf8');
const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
const yamlBlocks = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('docs/ci.md', () => {
  it('has a GitHub Actions workflow and a GitLab job', () => {
    expect(yamlBlocks).toHaveLength(2);
    expect(yamlBlocks[0]).toMatch(/^name: gate\n[\s\S]*runs-on: ubuntu-latest/);
    expect(yamlBlocks[1]).toMatch(/^gate:\n {2}image: node:20\n/);
  });

  it.each([0, 1])('block %i runs npm ci, then each step of npm test, and publishes verify.xml', (i) => {
    const block = yamlBlocks[i];
    // npm test = build && tsc && jest && verify; npm ci's prepare does the build
    const steps = pkg.scripts.test.split(' && ');
    expect(steps[0]).toBe('npm run build');
    expect(pkg.scripts.prepare).toBe('npm run build');
    expect(block).toMatch(/npm ci\b/);
    let at = block.search(/npm ci\b/);
    for (const step of steps.slice(1)) {
      const cmd = step.replace(/^(tsc|jest) /, 'npx $1 ').replace(/^node bin\/gfpcheck verify --quiet --workers 2$/, 'node bin/gfpcheck verify --quiet --workers 2 --junit verify.xml');
      const found = block.indexOf(cmd, at);
      expect({ cmd, found: found > at }).toEqual({ cmd, found: true });
      at = found;
    }
    expect(block).toMatch(i === 0 ? /report_paths: verify\.xml/ : /junit: verify\.xml/);
  });

  // verify with a missing --expect file, and check of a missing module, get past argv validation and stop at the file
  const lines = [...doc.matchAll(/(?:node bin\/gfpcheck|npx gfpcheck) ([^\n#`]*)/g)].map((m) => m[1].trim());
  it('has gfpcheck command lines', () => expect(lines.length).toBeGreaterThanOrEqual(3));
  it.each(lines.map((l) => [l]))('gfpcheck %s passes argv validation', async (line) => {
    const args = line.split(/\s+/);
    if (args[0] === 'verify') {
      const r = await gfpcheck([...args, '--expect', '/nonexistent/verdicts.json']);
      expect(r.err).toMatch(/^gfpcheck: error: cannot read the expectations file '\/nonexistent\/verdicts.json'/);
    } else {
      expect(args[0]).toBe('check');
      const r = await gfpcheck(args);
      expect(r.code).toBe(150);
      expect(r.out).toMatch(/cannot find spec module/);
    }
  });
});
