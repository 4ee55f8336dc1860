/**
 * Builds small synthetic 837P interchanges (synthetic names and ids only) with correct envelope counts, in any
 * delimiters and line-ending style. Used by the tests, the property test and the fixture files.
 */

export interface SynthDelimiters {
  element: string;
  repetition: string;
  component: string;
  terminator: string;
  /** Written after each terminator: '', '\n' or '\r\n'. */
  eol: string;
}

export const STANDARD: SynthDelimiters = { element: '*', repetition: '^', component: ':', terminator: '~', eol: '\n' };

export interface SynthLine {
  code: string;
  modifiers?: string[];
  charge: string;
  units: string;
  pointers?: number[];
  date?: string;
  /** RD8 end date. */
  dateEnd?: string;
  ndc?: { ndc: string; quantity: string; unit: string };
  renderingNpi?: string;
}

export interface SynthClaim {
  id: string;
  /** When omitted: the exact sum of the lines. */
  total?: string;
  pos?: string;
  frequency?: string;
  payerClaimNumber?: string;
  diagnoses: string[];
  renderingNpi?: string;
  lines: SynthLine[];
}

export interface SynthSubscriber {
  memberId: string;
  last: string;
  first: string;
  dob: string;
  sex: string;
  /** A dependent patient (2000C); claims go under it. */
  patient?: { last: string; first: string; dob: string; sex: string };
  claims: SynthClaim[];
}

export interface SynthTransaction {
  control: string;
  subscribers: SynthSubscriber[];
}

export interface SynthInterchange {
  control: string;
  delimiters?: SynthDelimiters;
  groups: { control: string; transactions: SynthTransaction[] }[];
}

function centsOf(text: string): number {
  const [whole = '0', frac = ''] = text.split('.');
  return Number(whole) * 100 + Number((frac + '00').slice(0, 2));
}

function money(cents: number): string {
  const frac = cents % 100;
  return frac === 0 ? String(cents / 100) : `${Math.floor(cents / 100)}.${String(frac).padStart(2, '0').replace(/0$/, '')}`;
}

export function buildInterchange(spec: SynthInterchange): string {
  const d = spec.delimiters ?? STANDARD;
  const seg = (...els: string[]): string => els.join(d.element) + d.terminator + d.eol;
  const e = d.element;
  const isa =
    ['ISA', '00', ' '.repeat(10), '00', ' '.repeat(10), 'ZZ', 'SYNTHSENDER    ', 'ZZ', 'SYNTHRECEIVER  ', '261127', '1200', d.repetition, '00501', spec.control.padStart(9, '0'), '0', 'T', d.component].join(e) +
    d.terminator +
    d.eol;
  let text = isa;
  for (const group of spec.groups) {
    text += seg('GS', 'HC', 'SYNTHSENDER', 'SYNTHRECEIVER', '20261127', '1200', group.control, 'X', '005010X222A1');
    for (const tx of group.transactions) {
      const body: string[] = [];
      body.push(seg('BHT', '0019', '00', `B${tx.control}`, '20261127', '1200', 'CH'));
      body.push(seg('NM1', '41', '2', 'SYNTH BILLING SERVICE', '', '', '', '', '46', 'S0001'));
      body.push(seg('PER', 'IC', 'SYNTH CONTACT', 'TE', '5555550100'));
      body.push(seg('NM1', '40', '2', 'SYNTH PAYER', '', '', '', '', '46', 'P0001'));
      let hl = 0;
      const hl20 = ++hl;
      body.push(seg('HL', String(hl20), '', '20', '1'));
      body.push(seg('NM1', '85', '2', 'SYNTH SPINE CLINIC', '', '', '', '', 'XX', '1999999984'));
      body.push(seg('N3', '1 SYNTHETIC WAY'));
      body.push(seg('N4', 'TESTVILLE', 'ZZ', '00000'));
      body.push(seg('REF', 'EI', '000000000'));
      for (const sub of tx.subscribers) {
        const hl22 = ++hl;
        body.push(seg('HL', String(hl22), String(hl20), '22', sub.patient ? '1' : '0'));
        body.push(seg('SBR', 'P', sub.patient ? '' : '18', '', '', '', '', '', '', 'CI'));
        body.push(seg('NM1', 'IL', '1', sub.last, sub.first, '', '', '', 'MI', sub.memberId));
        body.push(seg('DMG', 'D8', sub.dob, sub.sex));
        body.push(seg('NM1', 'PR', '2', 'SYNTH PAYER', '', '', '', '', 'PI', 'P0001'));
        if (sub.patient) {
          body.push(seg('HL', String(++hl), String(hl22), '23', '0'));
          body.push(seg('PAT', '19'));
          body.push(seg('NM1', 'QC', '1', sub.patient.last, sub.patient.first));
          body.push(seg('DMG', 'D8', sub.patient.dob, sub.patient.sex));
        }
        for (const claim of sub.claims) {
          const sum = claim.lines.reduce((acc, line) => acc + centsOf(line.charge), 0);
          body.push(seg('CLM', claim.id, claim.total ?? money(sum), '', '', [claim.pos ?? '11', 'B', claim.frequency ?? '1'].join(d.component), 'Y', 'A', 'Y', 'Y'));
          if (claim.payerClaimNumber) body.push(seg('REF', 'F8', claim.payerClaimNumber));
          body.push(seg('HI', ...claim.diagnoses.map((dx, i) => `${i === 0 ? 'ABK' : 'ABF'}${d.component}${dx}`)));
          if (claim.renderingNpi) {
            body.push(seg('NM1', '82', '1', 'DOCTOR', 'SYNTH', '', '', '', 'XX', claim.renderingNpi));
            body.push(seg('PRV', 'PE', 'PXC', '208VP0014X'));
          }
          claim.lines.forEach((line, i) => {
            body.push(seg('LX', String(i + 1)));
            const composite = ['HC', line.code, ...(line.modifiers ?? [])].join(d.component);
            body.push(seg('SV1', composite, line.charge, 'UN', line.units, '', '', (line.pointers ?? [1]).join(d.component)));
            body.push(line.dateEnd ? seg('DTP', '472', 'RD8', `${line.date ?? '20261101'}-${line.dateEnd}`) : seg('DTP', '472', 'D8', line.date ?? '20261101'));
            if (line.ndc) {
              body.push(seg('LIN', '', 'N4', line.ndc.ndc));
              body.push(seg('CTP', '', '', '', line.ndc.quantity, line.ndc.unit));
            }
            if (line.renderingNpi) body.push(seg('NM1', '82', '1', 'DOCTOR', 'OTHER', '', '', '', 'XX', line.renderingNpi));
          });
        }
      }
      text += seg('ST', '837', tx.control, '005010X222A1');
      text += body.join('');
      text += seg('SE', String(body.length + 2), tx.control);
    }
    text += seg('GE', String(group.transactions.length), group.control);
  }
  text += seg('IEA', String(spec.groups.length), spec.control.padStart(9, '0'));
  return text;
}

/** The standard synthetic spine file: three subscribers, one with a dependent patient, drug and RD8 lines. */
export function spineInterchange(delimiters: SynthDelimiters = STANDARD, control = '1'): string {
  return buildInterchange({
    control,
    delimiters,
    groups: [
      {
        control,
        transactions: [
          {
            control: '0001',
            subscribers: [
              {
                memberId: 'SYN0000001',
                last: 'TESTPATIENT',
                first: 'ALPHA',
                dob: '19600115',
                sex: 'F',
                claims: [
                  {
                    id: 'SYNCLM001',
                    diagnoses: ['M5416', 'M47816'],
                    renderingNpi: '1999999992',
                    lines: [
                      { code: '64483', modifiers: ['RT'], charge: '850', units: '1', pointers: [1], date: '20261102' },
                      { code: '64484', modifiers: ['RT'], charge: '300.5', units: '1', pointers: [1], date: '20261102' },
                      { code: 'J1040', charge: '12.25', units: '1', pointers: [1], date: '20261102', ndc: { ndc: '00009307403', quantity: '80', unit: 'ME' } },
                    ],
                  },
                  {
                    id: 'SYNCLM002',
                    payerClaimNumber: 'PAYER000777',
                    frequency: '7',
                    diagnoses: ['M47816'],
                    lines: [{ code: '64493', modifiers: ['50'], charge: '1200.00', units: '1', date: '20261103', dateEnd: '20261104', renderingNpi: '1999999976' }],
                  },
                ],
              },
              {
                memberId: 'SYN0000002',
                last: 'TESTSUBSCRIBER',
                first: 'BETA',
                dob: '19550704',
                sex: 'M',
                patient: { last: 'TESTDEPENDENT', first: 'GAMMA', dob: '19900220', sex: 'F' },
                claims: [
                  {
                    id: 'SYNCLM003',
                    pos: '22',
                    diagnoses: ['M5126', 'G8929', 'M545'],
                    lines: [
                      { code: '62323', charge: '900', units: '1', pointers: [1, 2], date: '20261105' },
                      { code: '77003', modifiers: ['26', 'XU'], charge: '150', units: '1', pointers: [3], date: '20261105' },
                    ],
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  });
}
