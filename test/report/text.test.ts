/**
 * The text renderer: TLC's wording, diff traces, and what it must never say.
 */
import { AnySpec, check, CheckResult } from '../../checker';
import { buildReport, Report, renderText } from '../../checker/report';
import { dieHard, philosophers } from '../../specs/reference';

const normalise = (text: string): string => text.replace(/^Finished in .*$/m, 'Finished in <time>').replace(/^Bytes per state: .*$/m, 'Bytes per state: <n>');

const OPTIONS = { strategy: 'bfs', store: 'exact', symmetry: true, allViolations: false } as const;

function report(result: CheckResult, spec: AnySpec = dieHard()): Report {
  return buildReport(result, { version: '0.0.0-test', spec, source: 'test', options: OPTIONS });
}

describe('text renderer', () => {
  it('should print the DieHard counterexample as a TLC diff trace', () => {
    // Arrange
    const spec = dieHard();
    // Act
    const text = renderText(report(check(spec, { store: { kind: 'exact' } }), spec));
    // Assert
    expect(normalise(text)).toMatchInlineSnapshot(`
"gfpcheck 0.0.0-test: diehard (small=3, big=5, goal=4)
Die Hard jugs: 3 and 5 gallons, can the big jug hold 4?
Breadth-first search; visited set: exact; symmetry reduction: off.
Error: Invariant NotSolved is violated.
Error: The behavior up to this point is:
State 1: <Initial predicate>
/\\ small = 0
/\\ big = 0

State 2: <FillBigJug>
/\\ big = 5

State 3: <BigToSmall>
/\\ small = 3
/\\ big = 2

State 4: <EmptySmallJug>
/\\ small = 0

State 5: <BigToSmall>
/\\ small = 2
/\\ big = 0

State 6: <FillBigJug>
/\\ big = 5

State 7: <BigToSmall>
/\\ small = 3
/\\ big = 4

The search stopped at the first violation; --all-violations keeps searching for others.
Properties:
  invariant NotSolved: VIOLATED
  deadlock: unknown (the search stopped at a violation)
  witness "both jugs full": reached at depth 2
Exact visited set: no state can have been omitted.
73 states generated, 14 distinct states found, 2 states left on queue.
The depth of the state graph search so far is 6 (the search stopped early).
Bytes per state: <n>
Finished in <time>
"
`);
  });

  it('should say "No error has been found" for a complete search in which everything holds, with the TLC summary lines', () => {
    // Arrange: DieHard whose goal cannot be reached
    const spec = dieHard({ goal: 1000 });
    // Act
    const text = renderText(report(check(spec, { store: { kind: 'fingerprint' } }), spec));
    // Assert
    expect(text).toContain('Model checking completed. No error has been found.');
    expect(text).toMatch(/^\d+ states generated, 16 distinct states found, 0 states left on queue\.$/m);
    expect(text).toContain('The depth of the complete state graph search is 7.');
    expect(text).toMatch(/^ {2}birthday bound: +Pr\[even one collision\] <= \d\.\dE-\d+$/m);
    expect(text).toMatch(/^ {2}calculated \(optimistic\): +val = /m);
  });

  it('should print the Stern-Dill bound for the compact store', () => {
    const spec = dieHard({ goal: 1000 });
    const text = renderText(report(check(spec, { store: { kind: 'compact', bits: 32 }, capacity: 1024 }), spec));
    expect(text).toMatch(/^Hash compaction \(Stern-Dill\): Pr\[even one omitted state\] <= \d\.\dE-\d+$/m);
  });

  it('should never say "No error has been found" for an incomplete search', () => {
    const spec = dieHard({ goal: 1000 });
    const text = renderText(report(check(spec, { maxStates: 5 }), spec));
    expect(text).toContain('Search incomplete: state limit reached (--max-states 5).');
    expect(text).not.toContain('No error has been found');
    expect(text).not.toContain('complete state graph');
    expect(text).toContain('invariant NotSolved: unknown (not violated in the states explored)');
  });

  it('should warn loudly about a witness that was not reached', () => {
    // Arrange: a witness that no state satisfies
    const spec = { ...dieHard({ goal: 1000 }), witnesses: [{ name: 'seven gallons', reached: (s: { big: number }) => s.big === 7 }] };
    // Act
    const text = renderText(report(check(spec, {}), spec));
    // Assert
    expect(text).toContain('witness "seven gallons": NOT reached');
    expect(text).toMatch(/^WARNING: witness "seven gallons" was NOT reached: .* may hold vacuously\.$/m);
  });

  it('should print "Deadlock reached" with the parameters of each step', () => {
    const spec = philosophers({ n: 2 });
    const text = renderText(report(check(spec, {}), spec));
    expect(text).toContain('Error: Deadlock reached.\nError: The behavior up to this point is:\nState 1: <Initial predicate>');
    expect(text).toContain('State 2: <TakeLeft p0>\n/\\ phil = ["holdingLeft", "thinking"]\n/\\ fork = [true, false]\n');
  });

  it('should print a spec error with its code and nothing that looks like a verdict', () => {
    // Arrange
    const spec = { ...dieHard(), init: () => [{ small: 9, big: 0 }] };
    // Act
    const text = renderText(report(check(spec, {}), spec));
    // Assert
    expect(text).toMatch(/^Error: .*small.*9/m);
    expect(text).toContain('Error code MC201 (see docs/error-codes.md).');
    expect(text).not.toMatch(/No error|states generated/);
  });

  it('should print the explanation of the final state as an outline, and long values as blocks', () => {
    // Arrange: a report whose violation carries an explanation and a long leaf
    const frames = Array.from({ length: 12 }, (_, i) => `frame_number_${i}`);
    const r: Report = {
      ...report(check(dieHard(), {})),
      violations: [
        {
          property: 'deadlock',
          kind: 'deadlock',
          class: 'a@b',
          trace: [
            { step: 0, action: null, params: null, state: { stack: [] } },
            { step: 1, action: 'call', params: 'task/0', state: { stack: frames } },
          ],
          cycle: [{ task: 'a', at: 'b' }],
        },
      ],
    };
    // Act
    const text = renderText(r);
    // Assert
    expect(text).toContain('Error: Deadlock reached.\nDeadlock class: a@b\n');
    expect(text).toContain(`State 2: <call task/0>\n/\\ stack = [\n    "frame_number_0",\n`);
    expect(text).toContain('    "frame_number_11"\n  ]\n');
    expect(text).toContain('The final state, as the spec explains it:\n  cycle:\n    - task: a\n      at: b\n');
  });
});
