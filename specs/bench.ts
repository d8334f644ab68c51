/**
 * `npm run bench`: throughput and memory of the engine on the specs TLC and
 * SPIN figures are quoted for (a K-counter model of 10^6 and 10^7 states, and
 * Lamport's TwoPhase), each case in a fresh process so that peak RSS is its
 * own. Prints one JSON array on stdout. Nothing here is asserted by a test:
 * speed and memory are measured, not tested.
 *
 * Usage: `npm run bench [-- CASE ...]` (default: every case).
 *
 * @module
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { AnySpec, check, CheckOptions } from '../checker';
import { counter, counterPacked, twoPhase, twoPhasePacked } from './reference';
import { PACKAGE_ROOT } from './paths';

interface BenchCase {
  readonly name: string;
  readonly note: string;
  build(): AnySpec;
  readonly options: CheckOptions;
}

const cases: readonly BenchCase[] = [
  {
    name: 'counter-1e6',
    note: '6 counters mod 10, packed API',
    build: () => counterPacked({ k: 6, m: 10 }),
    options: { store: { kind: 'fingerprint' } },
  },
  {
    name: 'counter-1e7',
    note: '7 counters mod 10, packed API',
    build: () => counterPacked({ k: 7, m: 10 }),
    options: { store: { kind: 'fingerprint' } },
  },
  {
    name: 'counter-1e7-bare',
    note: '7 counters mod 10, packed API, no invariant or witness (exploration alone)',
    build: () => ({ ...counterPacked({ k: 7, m: 10 }), invariants: [], witnesses: [], packedInvariants: [] }),
    options: { store: { kind: 'fingerprint' } },
  },
  {
    name: 'counter-1e7-compact32',
    note: '7 counters mod 10, packed API, 32-bit hash compaction in 2^24 slots',
    build: () => counterPacked({ k: 7, m: 10 }),
    options: { store: { kind: 'compact', bits: 32 }, capacity: 1 << 24 } as CheckOptions,
  },
  {
    name: 'counter-1e6-record',
    note: '6 counters mod 10, record API',
    build: () => counter({ k: 6, m: 10 }),
    options: { store: { kind: 'fingerprint' } },
  },
  {
    name: 'twophase-7',
    note: "Lamport's TwoPhase, 7 RMs, record API, no symmetry (TLC's state count)",
    build: () => twoPhase({ rm: 7 }),
    options: { store: { kind: 'fingerprint' }, symmetry: false },
  },
  {
    name: 'twophase-8',
    note: "Lamport's TwoPhase, 8 RMs, record API, no symmetry (TLC's state count)",
    build: () => twoPhase({ rm: 8 }),
    options: { store: { kind: 'fingerprint' }, symmetry: false },
  },
  {
    name: 'twophase-8-packed',
    note: "Lamport's TwoPhase, 8 RMs, packed API, no symmetry (TLC's state count)",
    build: () => twoPhasePacked({ rm: 8 }),
    options: { store: { kind: 'fingerprint' }, symmetry: false },
  },
  {
    name: 'twophase-8-symmetry',
    note: "Lamport's TwoPhase, 8 RMs, record API, RM symmetry (exact, 8! permutations → normalisation)",
    build: () => twoPhase({ rm: 8 }),
    options: { store: { kind: 'fingerprint' }, symmetry: true },
  },
];

function runCase(name: string): void {
  const c = cases.find((x) => x.name === name);
  if (!c) throw new Error(`unknown bench case ${name}`);
  const r = check(c.build(), c.options);
  const s = r.stats;
  const out = {
    case: c.name,
    note: c.note,
    result: r.status,
    distinctStates: s.distinctStates,
    statesGenerated: s.statesGenerated,
    depth: s.depth,
    seconds: +s.seconds.toFixed(3),
    distinctPerSecond: Math.round(s.distinctStates / s.seconds),
    generatedPerSecond: Math.round(s.statesGenerated / s.seconds),
    bytesPerState: +s.bytesPerState.toFixed(2),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    store: s.store,
    symmetry: s.symmetry,
    omissionProbability: s.omissionProbability,
  };
  process.stdout.write(JSON.stringify(out) + '\n');
}

/** Entry point of bin/gfpcheck-bench. */
export function main(argv: readonly string[]): void {
  if (argv[0] === '--case') {
    runCase(argv[1]);
    return;
  }
  const names = argv.length > 0 ? argv : cases.map((c) => c.name);
  const bin = path.join(PACKAGE_ROOT, 'bin', 'gfpcheck-bench');
  const results: unknown[] = [];
  for (const name of names) {
    if (!cases.some((c) => c.name === name)) {
      process.stderr.write(`gfpcheck-bench: unknown case '${name}' (cases: ${cases.map((c) => c.name).join(', ')})\n`);
      process.exitCode = 151;
      return;
    }
    process.stderr.write(`bench ${name} ...\n`);
    const p = spawnSync(process.execPath, [bin, '--case', name], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (p.status !== 0) {
      results.push({ case: name, error: (p.stderr || '').trim().split('\n').slice(-3).join(' ') });
      continue;
    }
    results.push(JSON.parse(p.stdout.trim().split('\n').pop() as string));
  }
  process.stdout.write(JSON.stringify({ node: process.version, cpus: require('os').cpus().length, results }, null, 2) + '\n');
}
