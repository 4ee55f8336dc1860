import { addonChain, lineLabel } from '../helpers.js';
import { defineRule, type Change } from '../types.js';

/**
 * Facet add-ons are not "each additional level": 64491/64494 are the second level (the next level has its own
 * code, 64492/64495), and 64492/64495 are reported once per day whatever the further levels. Units count per side
 * (a 50 line's units are levels on each side). Lowering the units is a fix; moving the further levels to the
 * next-level code adds a billable code, so it is only suggested (the claim is held), the new line at 0.00 to be
 * priced from the fee schedule (docs/rules/addon/units.md).
 */
export default defineRule({
  meta: {
    id: 'addon/units',
    type: 'problem',
    scope: 'session',
    phase: 'recodes',
    docs: {
      description: '64491 or 64494 with more than 1 unit on a side (the third level is 64492/64495), or 64492/64495 with more than 1 unit (once per day).',
      source:
        'CPT descriptors 64490–64495 (second level; third and any additional levels, once per day) [S29][S30]; CMS practitioner MUE 1 [A]',
      url: 'docs/rules/addon/units.md',
    },
    severity: { medicare: 'error', guide: 'error' },
    fixable: 'safe',
    hasSuggestions: true,
    messages: {
      secondLevel: 'Bill {{code}} with {{units}} units as {{expected}}: {{code}} is the second level only, the next level has its own code',
      oncePerDay: 'Bill {{code}} with 1 unit, not {{units}}: it is reported once per day for all further levels',
    },
  },
  check(encounter, context) {
    const { reference } = context;
    for (const line of encounter.lines) {
      if (line.facts.role !== 'addon' || line.units <= 1) continue;
      const info = reference.procedure(line.procedure, line.serviceDate);
      if (!info) continue;
      if (info.oncePerDay) {
        context.report({
          messageId: 'oncePerDay',
          data: { code: lineLabel(line), units: line.units },
          line,
          actual: String(line.units),
          expected: ['1'],
          fix: { changes: [{ op: 'set-units', line: line.key, value: 1 }], description: `${line.procedure} once per day` },
        });
        continue;
      }
      const next = info.nextLevelAddon;
      if (!next) continue; // "each additional level" add-ons (64480, 64484, 64634, 64636) take units
      // Without 50/RT/LT, 2 units may be both sides at the second level: only 3 and more are sure to be wrong.
      if (line.facts.sideUnknown && line.units <= 2) continue;
      const chain = addonChain(reference, line.procedure, line.serviceDate, 2, line.units - 1);
      // The next level's code already in the session on an overlapping side: it covers the extra levels.
      const covered = encounter.lines.some(
        (other) => other !== line && chain?.some((c) => c.code === other.procedure) && (other.facts.sideUnknown || line.facts.sideUnknown || other.facts.sides.some((s) => line.facts.sides.includes(s))),
      );
      // A line without 50/RT/LT counts toward both sides, but blocks the side-dependent fix (docs/rules/README.md, Terms).
      const fixable = !line.facts.sideUnknown;
      const changes: Change[] = [{ op: 'set-units', line: line.key, value: 1 }];
      const split = !covered && chain !== undefined && chain.length > 0;
      if (split) {
        changes.push({ op: 'set-charge', line: line.key, value: line.chargeCents });
        for (const { code, units } of chain) changes.push({ op: 'add-line', from: line.key, after: line.key, value: { procedure: code, units, modifiers: line.modifiers, chargeCents: 0 } });
      }
      const modifiers = line.modifiers.length ? `-${line.modifiers.join('-')}` : '';
      const expected = covered || !chain ? `${lineLabel(line)} ×1` : [lineLabel(line), ...chain.map((c) => `${c.code}${modifiers}`)].join(' + ');
      context.report({
        messageId: 'secondLevel',
        data: { code: lineLabel(line), units: line.units, expected },
        line,
        actual: String(line.units),
        expected: [expected],
        ...(!fixable
          ? {}
          : split
            ? { suggestions: [{ description: `bill the further levels as ${chain.map((c) => c.code).join(', ')} (price them from the fee schedule)`, fix: { changes } }] }
            : { fix: { changes, description: 'one unit: the next level is already billed' } }),
      });
    }
  },
});
