/**
 * Turns a record-API spec into an equivalent packed-API spec, by decoding the
 * source words, running the record action and encoding its result. Slow, but
 * it exercises the packed path (arity, parameters, `fire`, `dst` holding a
 * copy of `src`) on any spec, so the two APIs can be compared result for
 * result.
 *
 * @module
 */
import { compileLayout } from '../../checker/index';
import type { PackedAction, PackedSpec, Spec } from '../../checker/index';

export function toPacked<S extends Record<string, unknown>>(spec: Spec<S>): PackedSpec<S> {
  const layout = compileLayout(spec.variables, spec.symmetric ?? {});
  const packed: PackedAction[] = spec.actions.map((a) => {
    const params = a.params;
    return {
      name: a.name,
      ...(params ? { arity: params.length, formatParam: (p: number) => String(a.formatParam ? a.formatParam(params[p]) : params[p]) } : {}),
      fire(src, dst, p) {
        const s = layout.decode(src) as S;
        const param = params ? params[p] : undefined;
        if (a.guard && !a.guard(s, param)) return false;
        const t = a.next(s, param);
        if (t === undefined) return false;
        layout.encode(t, dst);
        return true;
      },
    };
  });
  const { actions: _actions, ...rest } = spec;
  return { ...rest, packed };
}
