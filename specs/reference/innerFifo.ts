/**
 * The FIFO of Lamport's *Specifying Systems* (ch. 4), ported from the TLA+
 * Examples repository: `specifications/SpecifyingSystems/FIFO/InnerFIFOInstanced.tla`
 * with the model `MCInnerFIFO.tla`/`MCInnerFIFO.cfg` (tlaplus/Examples,
 * commit 32a32c7b). The example of docs/porting.md: each TLA+ construct
 * and the API feature it becomes.
 *
 * - `VARIABLES in, out, q`: `in` and `out` are channels
 *   `[val : Message, rdy : {0, 1}, ack : {0, 1}]` → `record({...})`;
 *   `q \in Seq(Message)` → `seqOf(qLen + 1, ...)` (a bounded sequence; one
 *   more than `qLen` so that the successors the constraint cuts off can be
 *   held and checked, as TLC does).
 * - `CONSTANTS Message = {m1, m2, m3}` (model values) → a symmetric domain
 *   `msg` of `messages` ids, with symmetry reduction off by default
 *   (`symmetry` constant), as the `.cfg` declares no SYMMETRY.
 * - `CONSTRAINT qConstraint == Len(q) <= qLen` → `constraint`.
 * - `Init` (in ∈ the channel records with `ack = rdy`, same for out, q = <<>>)
 *   → 36 initial states for 3 messages.
 * - `Next == \E msg \in Message : SSend(msg) \/ BufRcv \/ BufSend \/ RRcv`
 *   → four actions, `SSend` parameterised by the message.
 * - TLC checks deadlock by default: `deadlockSemantics: 'tlc'` (no stutter
 *   step occurs here, so both meanings agree).
 * - `INVARIANT TypeInvariant` → `invariants` (what the domains do not already
 *   enforce: `ack`, `rdy` ∈ {0, 1} are `int(0, 1)`; it is kept for the port's sake).
 *
 * TLC's recorded result (tlaplus/Examples `specifications/SpecifyingSystems/manifest.json`,
 * model `MCInnerFIFO.cfg`): 3,864 distinct states, 9,660 states generated,
 * depth 11. gfpcheck gives 3,864 and 9,660, and depth 10: TLC counts the
 * initial states as depth 1 (docs/porting.md, "Depth and states generated").
 * test/reference/innerFifo.test.ts pins all three.
 *
 * @module
 */
import { id, int, record, seqOf, Spec } from '../../checker';

/** A channel: the value sent, and the ready/acknowledge bits of the handshake. */
export type Chan = Readonly<{ val: number; rdy: number; ack: number }>;
export type InnerFifoState = Readonly<{ in: Chan; out: Chan; q: readonly number[] }>;

export interface InnerFifoConstants {
  /** |Message| (default 3: `{m1, m2, m3}`). */
  readonly messages?: number;
  /** The constraint's bound on `Len(q)` (default 3). */
  readonly qLen?: number;
  /** Symmetry reduction over the messages (default false: the `.cfg` has no SYMMETRY). */
  readonly symmetry?: boolean;
}

/** InnerFIFO with `messages` messages and the queue constrained to `qLen`. */
export function innerFifo({ messages = 3, qLen = 3, symmetry = false }: InnerFifoConstants = {}): Spec<InnerFifoState> {
  if (!Number.isInteger(messages) || messages < 1 || messages > 8) throw new RangeError(`innerfifo: messages must be 1..8, got ${messages}`);
  if (!Number.isInteger(qLen) || qLen < 0 || qLen > 6) throw new RangeError(`innerfifo: qLen must be 0..6, got ${qLen}`);
  const chan = record({ val: id('msg'), rdy: int(0, 1), ack: int(0, 1) });
  const msgs = Array.from({ length: messages }, (_, i) => i);
  // InChan_Init: in \in [val : Message, rdy : {0,1}, ack : {0,1}] /\ in.ack = in.rdy
  const chanInit: Chan[] = msgs.flatMap((val) => [0, 1].map((rdy) => ({ val, rdy, ack: rdy })));
  return {
    name: 'innerfifo',
    description: `Specifying Systems' InnerFIFO (MCInnerFIFO): ${messages} messages, Len(q) <= ${qLen}`,
    params: { messages, qLen, symmetry },
    symmetric: { msg: messages },
    symmetry,
    variables: { in: chan, out: chan, q: seqOf(qLen + 1, id('msg')) },
    init: () => chanInit.flatMap((i) => chanInit.map((o) => ({ in: i, out: o, q: [] }))),
    actions: [
      {
        // SSend(msg) == InChan_Send(msg) /\ UNCHANGED <<out, q>>
        name: 'SSend',
        params: msgs,
        formatParam: (m: number) => `m${m + 1}`,
        next: (s, m: number) => (s.in.rdy === s.in.ack ? { ...s, in: { val: m, rdy: 1 - s.in.rdy, ack: s.in.ack } } : undefined),
      },
      {
        // BufRcv == InChan_Rcv /\ q' = Append(q, in.val) /\ UNCHANGED out
        name: 'BufRcv',
        next: (s) => (s.in.rdy !== s.in.ack ? { ...s, in: { ...s.in, ack: 1 - s.in.ack }, q: [...s.q, s.in.val] } : undefined),
      },
      {
        // BufSend == q # <<>> /\ OutChan_Send(Head(q)) /\ q' = Tail(q) /\ UNCHANGED in
        name: 'BufSend',
        next: (s) => (s.q.length > 0 && s.out.rdy === s.out.ack ? { ...s, out: { val: s.q[0], rdy: 1 - s.out.rdy, ack: s.out.ack }, q: s.q.slice(1) } : undefined),
      },
      {
        // RRcv == OutChan_Rcv /\ UNCHANGED <<in, q>>
        name: 'RRcv',
        next: (s) => (s.out.rdy !== s.out.ack ? { ...s, out: { ...s.out, ack: 1 - s.out.ack } } : undefined),
      },
    ],
    // CONSTRAINT qConstraint == Len(q) <= qLen
    constraint: (s) => s.q.length <= qLen,
    // INVARIANT TypeInvariant (q \in Seq(Message) and the channel types)
    invariants: [
      {
        name: 'TypeInvariant',
        holds: (s) => [s.in, s.out].every((c) => msgs.includes(c.val) && (c.rdy === 0 || c.rdy === 1) && (c.ack === 0 || c.ack === 1)) && s.q.every((m) => msgs.includes(m)),
      },
    ],
    witnesses: [{ name: 'the queue is full', reached: (s) => s.q.length === qLen }],
    deadlockSemantics: 'tlc',
    formatState: (s) => ({ in: { ...s.in, val: `m${s.in.val + 1}` }, out: { ...s.out, val: `m${s.out.val + 1}` }, q: s.q.map((m) => `m${m + 1}`) }),
  };
}

/** `gfpcheck check specs/reference/innerFifo.ts --const qLen=2`. */
export const build = (c: InnerFifoConstants): Spec<InnerFifoState> => innerFifo(c);

