/**
 * Runs gfpcheck in-process, as the bin would, with in-memory I/O and a
 * frozen clock (reported times are 0).
 */
import * as path from 'path';
import { createCli, createMemoryIo, MemoryIo } from '../../checker/cli';
import { gfpcheckConfig } from '../../specs/cli';

export const FIXTURES = path.join(__dirname, 'fixtures');
export const REPO = path.resolve(__dirname, '..', '..');

export interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly io: MemoryIo;
}

/** Runs `gfpcheck ...args` in-process. */
export async function gfpcheck(args: readonly string[], opts: Parameters<typeof createMemoryIo>[0] & { progressInterval?: number } = {}): Promise<Run> {
  const io = createMemoryIo({ cwd: REPO, ...opts });
  const code = await createCli(gfpcheckConfig()).run(args, io, opts.progressInterval !== undefined ? { progressInterval: opts.progressInterval } : {});
  return { code, out: io.out, err: io.err, io };
}

/** Replaces wall-clock figures so that output can be compared across runs. */
export function normaliseTimes(text: string): string {
  return text
    .replace(/^Finished in .*$/gm, 'Finished in <time>')
    .replace(/"seconds": [0-9.e+-]+/g, '"seconds": 0')
    .replace(/"statesPerSecond": [0-9.e+-]+/g, '"statesPerSecond": 0');
}
