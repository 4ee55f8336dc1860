/**
 * modifier/bilateral — a bilateral-eligible code (MPFS bilateral indicator 1) billed on an RT line and an LT
 * line of a session with the same units, pointers and other modifiers: Medicare wants one line with 50,
 * units per side, charges summed. A policy with `bilateral: rt-lt` reverses it: splitting a 50 line into RT + LT
 * creates a line and moves half the charge onto it, which the payer may price differently, so the split is offered
 * as a suggestion (the claim is held) and never applied.
 */
import type { Encounter, ServiceLine } from '../../encounter/model.js';
import { defineRule, type RuleContext } from '../types.js';
import { BILATERAL, LEFT, RIGHT, describeLine, isBilateralEligible, isLaterality } from '../common/spine.js';

const eligible = isBilateralEligible;

/** The line's only laterality modifier is `side`. */
function only(line: ServiceLine, side: string): boolean {
  let found = false;
  for (const modifier of line.modifiers) {
    if (!isLaterality(modifier)) continue;
    if (found || modifier !== side) return false;
    found = true;
  }
  return found;
}

function otherModifiers(line: ServiceLine): string[] {
  return line.modifiers.filter((modifier) => !isLaterality(modifier));
}

function sameList(a: readonly (string | number)[], b: readonly (string | number)[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

/** RT and LT lines that describe the same service on both sides. Other modifiers compare as sets (order carries no meaning). */
function mirrors(right: ServiceLine, left: ServiceLine): boolean {
  return (
    right.procedure === left.procedure &&
    right.units === left.units &&
    sameList(right.pointers, left.pointers) &&
    sameList([...otherModifiers(right)].sort(), [...otherModifiers(left)].sort())
  );
}

export default defineRule({
  meta: {
    id: 'modifier/bilateral',
    type: 'problem',
    scope: 'session',
    phase: 'recodes',
    fixable: 'safe',
    hasSuggestions: true,
    docs: {
      description:
        'A bilateral-eligible code (indicator 1) on an RT line and an LT line of a session: one line with 50 (or the reverse under `bilateral: rt-lt`)',
      source:
        'Medicare bilateral surgery rules (indicator 1: one line, modifier 50, units per side) [S15][S16][S19]; MPFS BILAT SURG = 1 for 64479–64484, 64490–64495, 64633–64636 [P1–P3]',
      url: 'docs/rules/modifier/bilateral.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    messages: {
      mergeSides:
        'Merge {{right}} and {{left}} into one line {{merged}} with {{units}} per side: the payer bills bilateral services as one line with 50',
      splitSides:
        'Split {{line}} into two lines {{right}} and {{left}}: the payer bills bilateral services as RT + LT',
    },
  },
  // Precondition for the engine: bilateral-eligible lines are spine lines (isSpine).
  families: ['esi-interlaminar', 'esi-transforaminal', 'facet', 'rfa', 'ultrasound-guided'],
  check(encounter, context) {
    const { reference } = context;
    if (context.policy.bilateralStyle === 'rt-lt') {
      for (const line of encounter.lines) {
        if (!eligible(line, reference) || !line.modifiers.includes(BILATERAL)) continue;
        if (line.modifiers.includes(RIGHT) || line.modifiers.includes(LEFT)) continue;
        const others = otherModifiers(line);
        const leftCharge = Math.floor(line.chargeCents / 2);
        const rightCharge = line.chargeCents - leftCharge;
        const right = [line.procedure, RIGHT, ...others].join('-');
        const left = [line.procedure, LEFT, ...others].join('-');
        context.report({
          messageId: 'splitSides',
          line,
          data: { line: describeLine(line), right, left },
          actual: describeLine(line),
          expected: [right, left],
          suggestions: [
            {
              description: `split ${describeLine(line)} into ${right} and ${left}`,
              fix: {
                changes: [
                  { op: 'set-modifiers', line: line.key, value: [RIGHT, ...others] },
                  { op: 'set-charge', line: line.key, value: rightCharge },
                  {
                    op: 'add-line',
                    from: line.key,
                    after: line.key,
                    value: { modifiers: [LEFT, ...others], units: line.units, chargeCents: leftCharge },
                  },
                ],
              },
            },
          ],
        });
      }
      return;
    }

    let paired: Set<string> | undefined; // made for the first right-only line (most sessions have none)
    for (const right of encounter.lines) {
      if (!eligible(right, reference) || !only(right, RIGHT) || paired?.has(right.key)) continue;
      mergeMirror(encounter, context, right, (paired ??= new Set()));
    }
  },
});

/** A right-only eligible line and its mirrored left-only line (when there is one): merged into one line with 50. */
function mergeMirror(encounter: Encounter, context: RuleContext<Record<string, unknown>, 'splitSides' | 'mergeSides'>, right: ServiceLine, paired: Set<string>): void {
  const left = encounter.lines.find(
    (candidate) => !paired.has(candidate.key) && only(candidate, LEFT) && mirrors(right, candidate),
  );
  if (left === undefined) return;
  paired.add(right.key);
  paired.add(left.key);
  const [kept, removed] = right.lineNumber <= left.lineNumber ? [right, left] : [left, right];
  const modifiers = [BILATERAL, ...otherModifiers(kept)];
  const merged = [kept.procedure, ...modifiers].join('-');
  context.report({
    messageId: 'mergeSides',
    line: kept,
    data: { right: describeLine(right), left: describeLine(left), merged, units: `${kept.units} unit${kept.units === 1 ? '' : 's'}` },
    actual: `${describeLine(right)}, ${describeLine(left)}`,
    expected: [merged],
    fix: {
      description: `merge ${describeLine(right)} and ${describeLine(left)} into ${merged}`,
      changes: [
        { op: 'set-modifiers', line: kept.key, value: modifiers },
        { op: 'set-charge', line: kept.key, value: kept.chargeCents + removed.chargeCents },
        { op: 'remove-line', line: removed.key },
      ],
    },
  });
}
