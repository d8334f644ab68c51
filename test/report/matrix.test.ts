/**
 * `gfpcheck verify --format html`: the verdict matrix as a table whose cells
 * link to each cell's shortest trace in the viewer; and the Mermaid cycles of
 * the markdown matrix. On a small slice of specs/verdicts.json (the thread's
 * route and the cost column, three fix sets) so that it costs seconds.
 */
import { subset, tempExpectations, verify } from '../verify/helpers';

jest.setTimeout(180_000);

const SMALL = () => subset(['none', 'io-flusher', 'ext4-mapping-nofs'], ['2019-thread', 'loop-ext4', 'cost-ext4']);

describe('gfpcheck verify --format html', () => {
  let html = '';
  let code = -1;
  beforeAll(async () => {
    const r = await verify({ expect: tempExpectations(SMALL()), format: 'html', out: 'matrix.html', quiet: true });
    code = r.code;
    html = r.io.files.get(`${process.cwd()}/matrix.html`) ?? [...r.io.files.values()][0] ?? '';
  });

  it('should write a self-contained page with the matrix as a table', () => {
    expect(code).toBe(0);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/\b(src|href)="(?!#)/);
    expect(html).toMatch(/<table class="matrix"><tr><th>fix set<\/th><th>2019 report, the thread&#39;s route only<br><code>xfs\/dm-zoned\/tcmu\/ext4\/ssd<\/code> write<\/th>/);
    expect((html.match(/<tr><th><code>/g) ?? []).length).toBe(3);
  });

  it('should link every cell with a trace to a section with its shortest trace, and none that holds', () => {
    const links = [...html.matchAll(/<td class="([^"]+)"[^>]*><a href="#(cell\d+)" data-cell="\2">([^<]+)<\/a><\/td>/g)].map((m) => ({ verdict: m[1], id: m[2], text: m[3] }));
    // none x 2019-thread: R1 (18 steps); none x loop-ext4 and io-flusher x 2019-thread/loop-ext4 as the file says
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) {
      expect(l.verdict).toMatch(/^(deadlock|violated)/);
      expect(html).toContain(`<section class="violation" id="${l.id}">`);
    }
    const holds = [...html.matchAll(/<td class="holds[^"]*"[^>]*>([^<]*)<\/td>/g)];
    expect(holds.length).toBeGreaterThan(0);
    expect((html.match(/<section class="violation"/g) ?? []).length).toBe(links.length);
    const first = links.find((l) => l.text.startsWith('deadlock: tcmu-runner@xfs_buf_iowait (24 states)'));
    expect(first).toBeDefined();
    const sec = html.slice(html.indexOf(`<section class="violation" id="${first!.id}">`));
    expect(sec).toMatch(/^<section class="violation" id="cell\d+"><h2>none x 2019-thread \(xfs\/dm-zoned\/tcmu\/ext4\/ssd, write\): deadlock tcmu-runner@xfs_buf_iowait \(18 steps\)<\/h2>/);
    expect(sec).toContain('<g class="lane cycle" data-lane="tcmu-runner">');
  });
});

describe('gfpcheck verify --format markdown: Mermaid wait-for cycles', () => {
  it('should end with one flowchart per deadlock class, the layers as subgraphs', async () => {
    const r = await verify({ expect: tempExpectations(SMALL()), format: 'markdown', quiet: true });
    const md = r.out;
    expect(md).toContain('### Wait-for cycles');
    const blocks = [...md.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThan(0);
    expect(md).toContain('**`tcmu-runner@xfs_buf_iowait`** (first in none x 2019-thread');
    expect(blocks[0]).toBe(['flowchart LR', '  subgraph L0["tcmu"]', '    t0["tcmu-runner"]', '  end', '  t0 -->|"waits: xfs_buf_iowait"| t0', ''].join('\n'));
    // the loop-ext4 class: the loop worker in the loop layer
    expect(md).toMatch(/subgraph L\d\["loop"\]\n {4}t\d\["loop0"\]/);
  });
});
