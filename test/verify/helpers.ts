/**
 * Runs `gfpcheck verify` in-process as a plain function (validate, then run)
 * with in-memory output, on a temporary copy of the expectations file.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createMemoryIo, MemoryIo, resolveCliConfig } from '../../checker/cli';
import { gfpcheckConfig } from '../../specs/cli';
import { verifyCommand } from '../../specs/verify/command';
import type { Expectations } from '../../specs/verify/expectations';
import { rowLabel } from '../../specs/verify/expectations';

export const REPO = path.resolve(__dirname, '..', '..');
export const VERDICTS = path.join(REPO, 'specs', 'verdicts.json');

export const realExpectations = (): Expectations => JSON.parse(fs.readFileSync(VERDICTS, 'utf8')) as Expectations;

/** The real expectations restricted to some rows (row labels: fix sets, `kernel 5.10`) and columns (ids), for fast tests. */
export function subset(rows: string[], columns: string[], e: Expectations = realExpectations()): Expectations {
  // base bounds only: the bound ladder (pinned rungs) has tests of its own (gate.test.ts, "bound ladder")
  const { ladder: _ladder, ...rest } = e;
  return {
    ...rest,
    columns: e.columns.filter((c) => columns.includes(c.id)),
    rows: e.rows
      .filter((r) => rows.includes(rowLabel(r)))
      .map((r) => ({ ...r, cells: Object.fromEntries(Object.entries(r.cells).filter(([id]) => columns.includes(id)).map(([id, c]) => [id, { verdict: c.verdict, ...(c.classes ? { classes: c.classes } : {}), states: c.states, ...(c.liveness ? { liveness: c.liveness } : {}), ...(c.livelocks ? { livelocks: c.livelocks } : {}) }])) })),
  };
}

/** Writes a temporary expectations file and returns its path. */
export function tempExpectations(e: Expectations | string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gfpcheck-verify-'));
  const file = path.join(dir, 'verdicts.json');
  fs.writeFileSync(file, typeof e === 'string' ? e : JSON.stringify(e, null, 2));
  return file;
}

export interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly io: MemoryIo;
}

/** `gfpcheck verify ...argv` as a function call. */
export async function verify(argv: Record<string, unknown>): Promise<Run> {
  const cfg = resolveCliConfig(gfpcheckConfig());
  const cmd = verifyCommand(cfg);
  const io = createMemoryIo({ cwd: REPO });
  const o = cmd.validate(argv);
  if (!o.ok) throw new Error(`invalid argv: ${JSON.stringify(o.error)}`);
  const code = await cmd.run(o.value, { io, config: cfg });
  return { code, out: io.out, err: io.err, io };
}

/**
 * In-memory files for an in-process `gfpcheck main`: specs/verdicts.json
 * restricted to a few cheap rows (every column), so that its matrix costs
 * seconds instead of the minutes of the whole file. Every cell of the real
 * file is checked by `gfpcheck verify --quiet`, the last step of npm test.
 */
export function smallMainMatrix(rows: string[] = ['none', 'xfs-async-inode-reclaim', 'kernel 5.10', 'kernel 6.14']): Record<string, string> {
  const e = realExpectations();
  return { [VERDICTS]: JSON.stringify(subset(rows, e.columns.map((c) => c.id), e), null, 2) };
}
