/**
 * A user's own layer, without forking, as far as the model allows it:
 * `gfpcheck check --stack xfs/dm-linear/ssd --layer ./dm-linear.ts`.
 *
 * A layer module exports one `LayerModule` (exported as a type from the
 * package entry): a *remapping* block layer, the one kind of layer that needs
 * no mechanism the model lacks (models/block/remap.ts: the bio is remapped in
 * the submitter's context and passed to the device below; no task, frame,
 * wait, lock, queue or shrinker). Its `name` is then a layer of stack
 * strings. A layer with tasks, frames, waits or state of its own cannot be a
 * module, and docs/adding-a-fix.md ("Layer modules") says why.
 *
 * The module is loaded and checked as a fix module is (specs/fixes/module.ts);
 * what is wrong with it is a `LayerModuleError`: MC101, exit 150.
 *
 * @module
 */
import { listLayers } from '../models';
import type { RemapLayerDecl } from '../models';
import { isRecord, key, problemList, requireUserModule, show } from './fixes/module';

/** A layer a user declares in a module (docs/adding-a-fix.md, "Layer modules"). */
export interface LayerModule {
  /** The name used in stack strings (kebab-case, not a built-in layer's), e.g. `dm-linear`. */
  readonly name: string;
  /** The only kind a module may declare: a bio-based target that remaps each bio and passes it on in the submitter's context. */
  readonly kind: 'remap';
  /** One line: what the layer is. */
  readonly description: string;
  /** The kernel source it abstracts (file, function, version). */
  readonly source: string;
  /** Zoned exactly when the device below is (dm-linear: DM_TARGET_ZONED_HM), so it may sit between dm-zoned and a zoned device. */
  readonly passesZoned?: boolean;
}

/** A layer module could not be used; the message says why (error MC101, exit 150). */
export class LayerModuleError extends Error {
  override name = 'LayerModuleError';
}

const FIELDS = ['name', 'kind', 'description', 'source', 'passesZoned'];

/** The problems of a layer declaration, each `path: what is wrong` (empty: it is valid). */
export function layerProblems(x: unknown, at = 'layer'): string[] {
  if (!isRecord(x)) return [`${at}: expected an object, got ${show(x)}`];
  const out: string[] = [];
  const str = (k: string): void => {
    if (x[k] === undefined) out.push(`${key(at, k)}: missing`);
    else if (typeof x[k] !== 'string') out.push(`${key(at, k)}: expected a string, got ${show(x[k])}`);
  };
  str('name');
  if (typeof x.name === 'string') {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(x.name)) out.push(`${at}.name: "${x.name}" is not a kebab-case name (lower-case letters, digits and -; no "/", which separates layers)`);
    else if (listLayers().some((l) => l.name === x.name)) out.push(`${at}.name: "${x.name}" is a built-in layer; give the layer a name of its own`);
  }
  if (x.kind === undefined) out.push(`${at}.kind: missing`);
  else if (x.kind !== 'remap') {
    out.push(
      `${at}.kind: ${show(x.kind)}: a layer module can only declare a remapping block layer, kind "remap"; ` +
        'a layer with tasks, frames, waits or state of its own needs models/ (docs/adding-a-fix.md, "Layer modules")',
    );
  }
  str('description');
  str('source');
  if (x.passesZoned !== undefined && typeof x.passesZoned !== 'boolean') out.push(`${at}.passesZoned: expected true or false, got ${show(x.passesZoned)}`);
  for (const k of Object.keys(x)) if (!FIELDS.includes(k)) out.push(`${key(at, k)}: unknown field; known fields: ${FIELDS.join(', ')}`);
  return out;
}

/** Which export is the layer: default, `layer`, or the only exported object with a `kind`. */
function findLayer(mod: unknown): { value: unknown; at: string } | { error: string } {
  const m = (isRecord(mod) ? mod : {}) as Record<string, unknown>;
  if (m.default !== undefined) return { value: m.default, at: 'default export' };
  if (m.layer !== undefined) return { value: m.layer, at: "export 'layer'" };
  const withKind = Object.entries(m).filter(([, v]) => isRecord(v) && Object.prototype.hasOwnProperty.call(v, 'kind'));
  if (withKind.length === 1) return { value: withKind[0][1], at: `export '${withKind[0][0]}'` };
  if (withKind.length > 1) return { error: `it exports ${withKind.length} objects with a kind (${withKind.map(([k]) => `'${k}'`).join(', ')}); export one layer, or name it 'layer' or default` };
  return { error: `it exports no layer: expected a default export, an export named 'layer', or one exported object with a 'kind'; its exports: ${Object.keys(m).join(', ') || 'none'}` };
}

/** Loads and validates a layer module (relative to `base`, default the current directory). Throws LayerModuleError. */
export function loadLayerModule(ref: string, base: string = process.cwd()): LayerModule {
  const what = `layer module '${ref}'`;
  const found = findLayer(requireUserModule(ref, base, what, LayerModuleError));
  if ('error' in found) throw new LayerModuleError(`${what}: ${found.error}`);
  const problems = layerProblems(found.value);
  if (problems.length) throw new LayerModuleError(`${what} (${found.at}) is not a valid layer: ${problemList(problems)}`);
  return found.value as LayerModule;
}

/** The model's declarations of the layers of these modules; two modules declaring one name is an error. */
export function resolveLayerModules(refs: readonly string[], base?: string): RemapLayerDecl[] {
  const out: RemapLayerDecl[] = [];
  for (const ref of refs) {
    const l = loadLayerModule(ref, base);
    if (out.some((d) => d.name === l.name)) throw new LayerModuleError(`layer module '${ref}' declares "${l.name}", as another --layer does; give it a name of its own`);
    out.push({ name: l.name, description: `${l.description} (layer module ${ref})`, ...(l.passesZoned ? { passesZoned: true } : {}) });
  }
  return out;
}
