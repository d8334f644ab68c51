/**
 * `gfpcheck main --catalogue` (issue 11): the matrix of the catalogue of the
 * kernel's reclaim-recursion deadlocks (docs/catalogue.md) — the catalogue's
 * columns of specs/verdicts.json (the 2019 report, loop, nbd, FUSE, loopback
 * NFS) under the rows that carry a historical change (no fix, the fixes and
 * kernel profiles the catalogue cites), computed by exhaustive search and
 * compared with the pinned cells, like `verify`.
 *
 * @module
 */
import type { CliIo, Failure, Result } from '../../checker/cli';
import { ok } from '../../checker/cli';
import { computeMatrix, loadExpectations } from './command';
import { matrixText } from './main';
import { rowLabel } from './expectations';

/** The catalogue's columns (ids of specs/verdicts.json), one or two per historical case. */
export const CATALOGUE_COLUMNS: readonly string[] = ['2019-write', 'loop-ext4', 'nbd-ext4', 'fuse-ext4', 'fuse-ext4-scaled', 'nfs-loopback'];

/** The catalogue's rows (row labels of specs/verdicts.json): the base kernel and each merged change it cites. */
export const CATALOGUE_ROWS: readonly string[] = ['none', 'io-flusher', 'loop-worker-noio', 'io-flusher + tcmu-gfp-noio', 'kernel 3.16', 'kernel 4.7', 'kernel 5.10'];

/** The catalogue matrix text, and whether every cell matched its pinned expectation. */
export function catalogueMatrix(io: CliIo, opts: { quiet?: boolean; expect?: string } = {}): Result<Failure, { text: string; matches: boolean; seconds: number; interrupted: boolean }> {
  const loaded = loadExpectations(opts.expect, io);
  if (!loaded.ok) return loaded;
  const e = loaded.value.expectations;
  const rows = e.rows.filter((r) => CATALOGUE_ROWS.includes(rowLabel(r)));
  const computed = computeMatrix({ ...e, rows }, io, {
    quiet: opts.quiet ?? true,
    columns: (c) => CATALOGUE_COLUMNS.includes(c.id),
    progress: { label: 'catalogue', per: 'cell' },
  });
  if (!computed.ok) return computed;
  const m = computed.value;
  const heading = `Catalogue matrix: the kernel's reclaim-recursion cases (columns: the 2019 report, loop, NBD, FUSE, loopback NFS) at the base kernel and with each merged change (rows) (${m.cells.length} checks; docs/catalogue.md explains every cell).`;
  const { text, matches } = matrixText(m, heading, loaded.value.shown);
  return ok({ text, matches, seconds: m.seconds, interrupted: !!m.interrupted });
}
