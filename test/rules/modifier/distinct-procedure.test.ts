import rule from '../../../src/rules/modifier/distinct-procedure.js';
import { DISTINCT_PAIRS } from '../../../src/reference/data/distinct-pairs.js';
import { describe, expect, it } from 'vitest';
import { ruleTester } from '../../support/rule-tester.js';

const dx = ['M5416', 'M47812', 'M1711'];
const msg = (second: string, first: string, site: 'structure' | 'region', code: string) =>
  `Add XS to ${code} if the documentation shows the separate site: ${second} is billed with ${first} at ${
    site === 'structure' ? 'a different structure' : 'a different spinal region'
  } without 59/XS/XE/XP/XU (PTP pair, modifier indicator 1)`;

ruleTester.run(rule, {
  valid: [
    { name: 'XS on the joint injection', claim: { dx, lines: ['64483-RT', '20610-LT-XS ptr3'] } },
    { name: '59 on the joint injection', claim: { dx, lines: ['64483-RT', '20610-RT-59 ptr3'] } },
    { name: 'XU counts too', claim: { dx, lines: ['64493-50', '20610-XU ptr3'] } },
    { name: 'RFA and facet injection in the same region are facet/with-rfa', claim: { dx, lines: ['64635-RT', '64493-RT'] } },
    { name: 'joint injection on another date', claim: { dx, lines: ['64483-RT', '20610-LT ptr3 dos:2026-10-09'] } },
    { name: 'facet injections in both regions have no PTP edit', claim: { dx, lines: ['64493-RT', '64490-RT ptr2'] } },
    {
      name: 'before the pair’s effective date (62323/20610 from 2017-01-01)',
      claim: { dx, dos: '2016-06-01', lines: ['62323', '20610-RT ptr3'] },
    },
  ],
  invalid: [
    {
      name: 'TFESI with a knee injection: XS expected on 20610 (autoDistinct off: report only)',
      claim: { dx, lines: ['64483-RT', '20610-LT ptr3'] },
      errors: [{ messageId: 'missingDistinct', line: 2, severity: 'warning', message: msg('20610-LT', '64483-RT', 'structure', '20610') }],
    },
    {
      name: 'autoDistinct offers XS on the second code as a suggestion, never applied',
      policy: { autoDistinct: true },
      claim: { dx, lines: ['64483-RT', '20610-LT ptr3'] },
      errors: [{ messageId: 'missingDistinct', line: 2, message: msg('20610-LT', '64483-RT', 'structure', '20610'), suggestions: ['20610-LT → 20610-LT-XS'] }],
    },
    {
      name: 'add-on in column 2 (20610/64484) and 20610 in column 2 (64483/20610)',
      policy: { autoDistinct: true },
      claim: { dx, lines: ['64483-RT', '64484-RT', '20610-LT ptr3'] },
      errors: [
        { messageId: 'missingDistinct', line: 2, message: msg('64484-RT', '20610-LT', 'structure', '64484'), suggestions: ['64484-RT → 64484-RT-XS'] },
        { messageId: 'missingDistinct', line: 3, message: msg('20610-LT', '64483-RT', 'structure', '20610'), suggestions: ['20610-LT → 20610-LT-XS'] },
      ],
    },
    {
      name: 'lumbar RFA with a cervical facet injection',
      claim: { dx, lines: ['64635-RT', '64490-RT ptr2'] },
      errors: [{ messageId: 'missingDistinct', line: 2, message: msg('64490-RT', '64635-RT', 'region', '64490') }],
    },
    {
      name: 'a catalogue pair without a CMS copy (20605 with 64493)',
      claim: { dx, lines: ['64493-50', '20605-RT ptr3'] },
      errors: [{ messageId: 'missingDistinct', line: 2, message: msg('20605-RT', '64493-50', 'structure', '20605') }],
    },
    {
      name: 'four modifiers already: reported, no room for XS',
      policy: { autoDistinct: true },
      claim: { dx, lines: ['64483-RT', '20610-LT-GA-KX-76 ptr3'] },
      errors: [{ messageId: 'missingDistinct', line: 2, message: msg('20610-LT-GA-KX-76', '64483-RT', 'structure', '20610') }],
    },
  ],
});

describe('distinct-pair table', () => {
  it('names a source for every pair and lists each pair once', () => {
    expect(DISTINCT_PAIRS.every((pair) => pair.sources.length > 0 && pair.sources.every((s) => s.key !== ''))).toBe(true);
    const keys = DISTINCT_PAIRS.map((pair) => [pair.first, pair.second].sort().join('/'));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps the CMS column order of the verified pairs', () => {
    const order = (a: string, b: string) => DISTINCT_PAIRS.find((p) => [p.first, p.second].sort().join() === [a, b].sort().join());
    expect(order('64483', '20610')).toMatchObject({ first: '64483', second: '20610', effective: { from: '2001-07-01' } });
    expect(order('64484', '20610')).toMatchObject({ first: '20610', second: '64484', effective: { from: '2017-04-01' } });
    expect(order('62323', '20610')).toMatchObject({ first: '62323', second: '20610', effective: { from: '2017-01-01' } });
  });
});
