/**
 * The engine's public surface: the only module that models/ and specs/ import.
 *
 * @module
 */
export * from './domain';
export * from './spec';
export * from './result';
export { check } from './explore';
export { compileLayout } from './layout';
export type { Layout, Leaf } from './layout';
export { replayActions } from './trace';
export { eventually, alwaysEventually, leadsTo, weakFairness, strongFairness, temporalForm, fairnessForm } from './livenessApi';
export { checkInWorkers } from './parallel/many';
export type { CheckJob } from './parallel/many';
export { withFootprints } from './por';
export type { FootprintTable } from './por';
