/**
 * Progress lines, printed to stderr during long runs (TLC's "Progress(d)"
 * lines). They carry wall-clock rates, so they never go to stdout.
 *
 * @module
 */
import type { Progress } from '../result';
import { formatCount } from './values';

/** `Progress(12): 1,234,567 states generated, 345,678 distinct states found, 12,345 states left on queue (56,789 distinct states/s).` */
export function formatProgress(p: Progress): string {
  return (
    `Progress(${p.depth}): ${formatCount(p.statesGenerated)} states generated, ${formatCount(p.distinctStates)} distinct states found, ` +
    `${formatCount(p.queue)} states left on queue (${formatCount(Math.round(p.statesPerSecond))} distinct states/s).`
  );
}
