/**
 * JUnit XML: `gfpcheck check --junit FILE` (this module's `renderCheckJunit`)
 * and the XML helpers that `verify --junit` shares (`xmlEscape`,
 * `junitProperties`).
 *
 * A check is one `<testsuite>`: its `<properties>` say what was checked and
 * how (tool version, spec and source, store, symmetry, strategy, and the
 * bounds: the spec's constants, `--max-states`, `--max-depth`), then one
 * `<testcase>` per property of the report:
 *
 * - an invariant or deadlock that holds passes; one that is violated is a
 *   `<failure>` carrying the TLC-style trace; one left `unknown` because the
 *   search stopped at the first violation is `<skipped>`; one left `unknown`
 *   by an incomplete search is an `<error>` (an incomplete search is never a
 *   pass);
 * - a witness passes when reached and when unreached (its status is in
 *   `<system-out>`), unless the search was incomplete;
 * - a disabled check (`--no-deadlock`) is `<skipped>`;
 * - a report whose result is `error` (a spec error) is a single testcase with
 *   an `<error>` of type MCnnn.
 *
 * Text and attributes are escaped, and characters that XML 1.0 forbids (C0
 * controls other than tab, newline and carriage return; U+FFFE, U+FFFF; lone
 * surrogates) are dropped, so the file is well-formed whatever a spec names
 * its properties or puts in its states. Pure.
 *
 * @module
 */
import type { Report } from './report';
import { formatViolation } from './text';

/** Characters XML 1.0 does not allow anywhere, even as references. */
// eslint-disable-next-line no-control-regex
const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Escapes text or an attribute value for XML 1.0: the five markup characters,
 * and the characters XML 1.0 does not allow at all (C0 controls but tab,
 * newline and return, lone surrogates, U+FFFE/U+FFFF), which are written as
 * the text `\u001b` so that the file stays well-formed and the reader still
 * sees them.
 */
export function xmlEscape(s: string): string {
  return s
    .replace(XML_ILLEGAL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** A `<properties>` block (indented by `indent`), in the given order. */
export function junitProperties(props: readonly (readonly [string, string])[], indent: string): string[] {
  return [`${indent}<properties>`, ...props.map(([k, v]) => `${indent}  <property name="${xmlEscape(k)}" value="${xmlEscape(v)}"/>`), `${indent}</properties>`];
}

const paramText = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/** The properties of a check: what was checked, how, and within which bounds. */
export function checkProperties(r: Report): [string, string][] {
  const props: [string, string][] = [
    ['gfpcheck.version', r.version],
    ['spec', r.spec],
    ...(r.source !== undefined ? [['source', r.source] as [string, string]] : []),
    ['store', r.stats.store],
    ['symmetry', r.stats.symmetry],
    ['strategy', r.options?.strategy ?? 'bfs'],
    ...Object.entries(r.params).map(([k, v]): [string, string] => [`bound.${k}`, paramText(v)]),
    ...(r.options?.maxStates !== undefined ? [['bound.maxStates', String(r.options.maxStates)] as [string, string]] : []),
    ...(r.options?.maxDepth !== undefined ? [['bound.maxDepth', String(r.options.maxDepth)] as [string, string]] : []),
    ['complete', String(r.complete)],
    ['distinctStates', String(r.stats.distinctStates)],
    ['depth', String(r.stats.depth)],
    ['omissionProbability', String(r.stats.omissionProbability)],
  ];
  return props;
}

const secs = (s: number): string => (Number.isFinite(s) ? s : 0).toFixed(3);

/** JUnit XML of one check (see the module comment). */
export function renderCheckJunit(r: Report): string {
  const classname = `gfpcheck.check.${r.spec}`;
  const cases: { name: string; body: string[]; failure: boolean; error: boolean; skipped: boolean }[] = [];
  if (r.result === 'error') {
    const code = r.error?.code ?? 'MC501';
    cases.push({
      name: 'check',
      body: [`      <error message="${xmlEscape(`${code}: ${r.error?.message ?? 'error'}`)}" type="${xmlEscape(code)}"/>`],
      failure: false,
      error: true,
      skipped: false,
    });
  }
  for (const p of r.properties) {
    const name = p.kind === p.name ? p.name : `${p.kind} ${p.name}`;
    const violations = r.violations.filter((v) => v.property === p.name && v.kind === p.kind);
    if (p.status === 'violated') {
      const text = violations.flatMap((v) => formatViolation(v)).join('\n');
      const classes = violations.map((v) => v.class).filter((c): c is string => c !== undefined);
      const message = `${p.kind === 'deadlock' ? 'Deadlock reached' : `${p.kind === 'invariant' ? 'Invariant' : 'Property'} ${p.name} is violated`}${classes.length ? ` (${classes.join('; ')})` : ''}`;
      cases.push({ name, body: [`      <failure message="${xmlEscape(message)}" type="${xmlEscape(p.kind)}">${xmlEscape(text)}</failure>`], failure: true, error: false, skipped: false });
    } else if (p.status === 'unknown' && r.result === 'violated' && !r.complete) {
      // the search stopped at the first violation (TLC's behaviour): not decided, not an error
      cases.push({ name, body: [`      <skipped message="${xmlEscape(`not decided: the search stopped at the first violation (--all-violations decides every property)`)}"/>`], failure: false, error: false, skipped: true });
    } else if (p.status === 'unknown') {
      const why = `search incomplete${r.incompleteReason ? `: ${r.incompleteReason}` : ''}; ${p.kind} ${p.name} was neither shown nor refuted`;
      cases.push({ name, body: [`      <error message="${xmlEscape(why)}" type="incomplete"/>`], failure: false, error: true, skipped: false });
    } else if (p.status === 'disabled') {
      cases.push({ name, body: ['      <skipped message="not checked"/>'], failure: false, error: false, skipped: true });
    } else {
      const depth = p.depth !== undefined ? ` at depth ${p.depth}` : '';
      cases.push({ name, body: [`      <system-out>${xmlEscape(`${p.status}${depth}`)}</system-out>`], failure: false, error: false, skipped: false });
    }
  }
  if (r.result === 'incomplete' && !cases.some((c) => c.error)) {
    const why = `search incomplete${r.incompleteReason ? `: ${r.incompleteReason}` : ''}`;
    cases.push({ name: 'complete search', body: [`      <error message="${xmlEscape(why)}" type="incomplete"/>`], failure: false, error: true, skipped: false });
  }
  const failures = cases.filter((c) => c.failure).length;
  const errors = cases.filter((c) => c.error).length;
  const skipped = cases.filter((c) => c.skipped).length;
  const counts = `tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${secs(r.stats.seconds)}"`;
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="gfpcheck check" ${counts}>`];
  out.push(`  <testsuite name="${xmlEscape(`gfpcheck check ${r.spec}`)}" ${counts}>`, ...junitProperties(checkProperties(r), '    '));
  for (const c of cases) out.push(`    <testcase classname="${xmlEscape(classname)}" name="${xmlEscape(c.name)}" time="${secs(r.stats.seconds)}">`, ...c.body, '    </testcase>');
  out.push('  </testsuite>', '</testsuites>');
  return `${out.join('\n')}\n`;
}
