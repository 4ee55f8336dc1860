import type { Encounter, ServiceLine } from '../../encounter/model.js';
import type { ReferenceData } from '../../reference/types.js';
import { addonChain, lineLabel, lineWithUnits, sidesOverlap } from '../helpers.js';
import { defineRule, type Change, type RuleContext } from '../types.js';

/**
 * A primary spine code (64479, 64483, 64490, 64493, 64633, 64635: those with a next-level add-on in the
 * reference) is reported once per side: extra levels belong to the add-on codes. Lines without 50/RT/LT are
 * left to modifier/bilateral-ambiguous (two sides or two levels cannot be told apart).
 *
 * Suggestions only, never applied (docs/rules/primary/repeated.md): the extra units or lines may be a double
 * entry as well as extra levels, and an add-on is a billable code the claim does not show. The split suggestion
 * keeps one primary with the whole billed charge and moves the extra levels to the add-on chain of the reference
 * at a charge of 0.00, to be priced from the fee schedule (64483-RT×2 → 64483-RT + 64484-RT; 64493-50×3 →
 * 64493-50 + 64494-50 + 64495-50; 64635-RT×3 → 64635-RT + 64636-RT×2): the primary's charge is never copied
 * onto an add-on. A repeated line also gets "remove the repeated line" (a double entry). No split when the
 * session already has one of those add-ons on an overlapping side (it would double-count a level).
 */
export default defineRule({
  meta: {
    id: 'primary/repeated',
    type: 'problem',
    scope: 'session',
    phase: 'recodes',
    docs: {
      description: 'A primary spine code billed with more than 1 unit, or on several lines for the same side: the extra levels belong to its add-on codes.',
      source:
        'CPT descriptors ("single level" primary + "each additional level" add-on); CMS practitioner MUE 1 for the primaries [A]',
      url: 'docs/rules/primary/repeated.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    hasSuggestions: true,
    messages: {
      units: 'Bill {{code}} once and the extra levels as {{expected}}, or correct the units if fewer levels were done: the primary is one level, the claim shows {{units}} units',
      lines: 'Remove the repeated {{code}} on line {{line}} (a double entry), or bill the extra level as {{expected}}: the primary is one level per side, line {{first}} already bills it',
      unitsNoSide:
        'Bill {{code}} once per side with 50, RT or LT, and the extra levels as its add-on codes: the primary is one level per side, the claim shows {{units}} units and no 50, RT or LT',
    },
  },
  check(encounter, context) {
    const { reference } = context;
    const primaries = chainPrimaries(encounter.lines, reference);
    if (primaries === null) return;
    // Without 50/RT/LT: 2 units is modifier/bilateral-ambiguous's (both sides or two levels); 3 and more are extra
    // levels whatever the sides, but which side they are on cannot be told, so no fix (docs/rules/README.md, Terms: Sides).
    for (const line of primaries) {
      if (!line.facts.sideUnknown || line.units <= 2) continue;
      context.report({
        messageId: 'unitsNoSide',
        data: { code: lineLabel(line), units: line.units },
        line,
        actual: lineWithUnits(line),
      });
    }
    for (let i = 0; i < primaries.length; i++) {
      const line = primaries[i]!;
      if (line.facts.sideUnknown) continue;
      // Most primaries are one unit, first on their sides: nothing to report, no list built.
      if (line.units <= 1 && !repeatsEarlier(primaries, i)) continue;
      reportExtraLevels(encounter, context, line, earlierOnItsSides(primaries, i));
    }
  },
});

type Context = RuleContext<Record<string, unknown>, 'units' | 'lines' | 'unitsNoSide'>;

/** The session's primaries that have a next-level add-on in the reference, in claim order (null: none). */
function chainPrimaries(lines: readonly ServiceLine[], reference: ReferenceData): ServiceLine[] | null {
  let primaries: ServiceLine[] | null = null;
  for (const line of lines) {
    if (line.facts.role !== 'primary' || reference.procedure(line.procedure, line.serviceDate)?.nextLevelAddon === undefined) continue;
    // The first as a one-line literal (most sessions have one primary; push would size the list for 17).
    if (primaries === null) primaries = [line];
    else primaries.push(line);
  }
  return primaries;
}

function sameCodeOnASide(other: ServiceLine, line: ServiceLine): boolean {
  return other.procedure === line.procedure && sidesOverlap(other, line);
}

/** A primary before `index` (with known sides) has the code of primaries[index] on one of its sides. */
function repeatsEarlier(primaries: readonly ServiceLine[], index: number): boolean {
  const line = primaries[index]!;
  for (let j = 0; j < index; j++) {
    const other = primaries[j]!;
    if (!other.facts.sideUnknown && sameCodeOnASide(other, line)) return true;
  }
  return false;
}

/** The primaries before `index` (with known sides) with the code of primaries[index] on one of its sides. */
function earlierOnItsSides(primaries: readonly ServiceLine[], index: number): ServiceLine[] {
  const line = primaries[index]!;
  const earlier: ServiceLine[] = [];
  for (let j = 0; j < index; j++) {
    const other = primaries[j]!;
    if (!other.facts.sideUnknown && sameCodeOnASide(other, line)) earlier.push(other);
  }
  return earlier;
}

/** A primary with extra units, or repeated on its sides after `earlier`: the report, and the fix when the add-on chain allows one. */
function reportExtraLevels(encounter: Encounter, context: Context, line: ServiceLine, earlier: ServiceLine[]): void {
  const { reference } = context;
  // Levels already on this line's sides before it (the primary counts 1: its extra units are reported there).
  const before = earlier.reduce((sum, other) => sum + other.units, 0);
  const fromLevel = earlier.length === 0 ? 2 : before + 1;
  const count = earlier.length === 0 ? line.units - 1 : line.units;
  const chain = addonChain(reference, line.procedure, line.serviceDate, fromLevel, count);
  const sideModifiers = line.modifiers;
  const clash =
    chain !== undefined &&
    encounter.lines.some(
      (other) => other !== line && chain.some((c) => c.code === other.procedure) && (other.facts.sideUnknown || other.facts.sides.some((s) => line.facts.sides.includes(s))),
    );
  let changes: Change[] | undefined;
  if (chain && chain.length > 0 && !clash) {
    changes = [];
    const after = line.key;
    // Add-on lines at 0.00: their price comes from the fee schedule, never from the primary's charge.
    if (earlier.length === 0) {
      changes.push({ op: 'set-units', line: line.key, value: 1 }, { op: 'set-charge', line: line.key, value: line.chargeCents });
      for (const { code, units } of chain) {
        changes.push({ op: 'add-line', from: line.key, after, value: { procedure: code, units, modifiers: sideModifiers, chargeCents: 0 } });
      }
    } else {
      const [head, ...tail] = chain as [{ code: string; units: number }, ...{ code: string; units: number }[]];
      changes.push({ op: 'set-code', line: line.key, value: head.code }, { op: 'set-charge', line: line.key, value: 0 });
      if (head.units !== line.units) changes.push({ op: 'set-units', line: line.key, value: head.units });
      for (const { code, units } of tail) changes.push({ op: 'add-line', from: line.key, after, value: { procedure: code, units, modifiers: sideModifiers, chargeCents: 0 } });
    }
  }
  const label = lineLabel(line);
  const expected = chain
    ? [earlier.length === 0 ? label : undefined, ...chain.map((c) => `${c.code}${sideModifiers.length ? '-' + sideModifiers.join('-') : ''}${c.units > 1 ? ` ×${c.units}` : ''}`)]
        .filter((x): x is string => x !== undefined)
        .join(' + ')
    : 'the add-on code for the extra levels';
  const split = changes ? [{ description: `bill the extra levels as ${chain!.map((c) => c.code).join(', ')} (price the add-on from the fee schedule)`, fix: { changes } }] : [];
  if (earlier.length === 0) {
    context.report({
      messageId: 'units',
      data: { code: lineWithUnits(line).replace(/ ×\d+$/, ''), units: line.units, expected },
      line,
      actual: lineWithUnits(line),
      ...(split.length ? { suggestions: split } : {}),
    });
  } else {
    const removeRepeat = { description: `remove the repeated ${label} (a double entry)`, fix: { changes: [{ op: 'remove-line' as const, line: line.key }] } };
    context.report({
      messageId: 'lines',
      data: { code: label, line: line.lineNumber, first: earlier[0]!.lineNumber, expected },
      line,
      actual: lineWithUnits(line),
      suggestions: [removeRepeat, ...split],
    });
  }
}
