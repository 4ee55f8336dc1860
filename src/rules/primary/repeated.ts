import type { ServiceLine } from '../../encounter/model.js';
import { addonChain, lineLabel, lineWithUnits } from '../helpers.js';
import { defineRule, type Change } from '../types.js';

/**
 * A primary spine code (64479, 64483, 64490, 64493, 64633, 64635: those with a next-level add-on in the
 * reference) is reported once per side: extra levels belong to the add-on codes. Lines without 50/RT/LT are
 * left to modifier/bilateral-ambiguous (two sides or two levels cannot be told apart).
 *
 * Fix: keep one primary and move the extra levels to the add-on chain of the reference
 * (64483-RT×2 → 64483-RT + 64484-RT; 64493-50×3 → 64493-50 + 64494-50 + 64495-50; 64635-RT×3 → 64635-RT +
 * 64636-RT×2). No fix when the session already has one of those add-ons on an overlapping side (the result
 * would double-count a level: an analyst decides).
 */
export default defineRule({
  meta: {
    id: 'primary/repeated',
    type: 'problem',
    scope: 'session',
    phase: 'recodes',
    docs: {
      description: 'A primary spine code billed with more than 1 unit, or on several lines for the same side: the extra levels belong to its add-on codes.',
      source: 'CPT descriptors ("single level" primary + "each additional level" add-on); practitioner MUE 1 for the primaries (cms-indicators.md); domain-rules.md §1.1, §1.3',
      url: 'docs/rules/primary/repeated.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    fixable: 'safe',
    messages: {
      units: '{{code}} with {{units}} units: the primary is one level, expected {{expected}}',
      lines: '{{code}} repeated on line {{line}} for the same side as line {{first}}: the primary is one level, expected {{expected}}',
      unitsNoSide: '{{code}} with {{units}} units and no 50, RT or LT: the primary is one level per side, the extra levels belong to its add-on codes',
    },
  },
  check(encounter, context) {
    const { reference } = context;
    const primaries = encounter.lines.filter(
      (line) => line.facts.role === 'primary' && reference.procedure(line.procedure, line.serviceDate)?.nextLevelAddon !== undefined,
    );
    if (primaries.length === 0) return;
    // Without 50/RT/LT: 2 units is modifier/bilateral-ambiguous's (both sides or two levels); 3 and more are extra
    // levels whatever the sides, but which side they are on cannot be told, so no fix (rules.md Terms: Sides).
    for (const line of primaries) {
      if (!line.facts.sideUnknown || line.units <= 2) continue;
      context.report({
        messageId: 'unitsNoSide',
        data: { code: lineLabel(line), units: line.units },
        line,
        actual: lineWithUnits(line),
      });
    }
    const seen: ServiceLine[] = [];
    for (const line of primaries) {
      if (line.facts.sideUnknown) continue;
      const earlier = seen.filter((other) => other.procedure === line.procedure && other.facts.sides.some((side) => line.facts.sides.includes(side)));
      seen.push(line);
      if (earlier.length === 0 && line.units <= 1) continue;
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
        if (earlier.length === 0) {
          changes.push({ op: 'set-units', line: line.key, value: 1 });
          for (const { code, units } of chain) {
            changes.push({ op: 'add-line', from: line.key, after, value: { procedure: code, units, modifiers: sideModifiers } });
          }
        } else {
          const [head, ...tail] = chain as [{ code: string; units: number }, ...{ code: string; units: number }[]];
          changes.push({ op: 'set-code', line: line.key, value: head.code });
          if (head.units !== line.units) changes.push({ op: 'set-units', line: line.key, value: head.units });
          for (const { code, units } of tail) changes.push({ op: 'add-line', from: line.key, after, value: { procedure: code, units, modifiers: sideModifiers } });
        }
      }
      const label = lineLabel(line);
      const expected = chain
        ? [earlier.length === 0 ? label : undefined, ...chain.map((c) => `${c.code}${sideModifiers.length ? '-' + sideModifiers.join('-') : ''}${c.units > 1 ? ` ×${c.units}` : ''}`)]
            .filter((x): x is string => x !== undefined)
            .join(' + ')
        : 'the add-on code for the extra levels';
      const fix = changes ? { fix: { changes, description: `move the extra levels to ${chain!.map((c) => c.code).join(', ')}` } } : {};
      if (earlier.length === 0) {
        context.report({ messageId: 'units', data: { code: lineWithUnits(line).replace(/ ×\d+$/, ''), units: line.units, expected }, line, actual: lineWithUnits(line), ...fix });
      } else {
        context.report({
          messageId: 'lines',
          data: { code: label, line: line.lineNumber, first: earlier[0]!.lineNumber, expected },
          line,
          actual: lineWithUnits(line),
          ...fix,
        });
      }
    }
  },
});
