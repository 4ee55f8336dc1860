/** Regenerates test/x12/fixtures (synthetic data): `npx tsx test/x12/make-fixtures.ts`. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { STANDARD, buildInterchange, spineInterchange } from './synth.js';

const dir = fileURLToPath(new URL('./fixtures/', import.meta.url));
const pipes = { element: '|', repetition: '{', component: '>', terminator: '!', eol: '\r\n' };
const small = (id: string) => ({ memberId: `SYN${id}`, last: 'TESTPATIENT', first: `P${id}`, dob: '19700101', sex: 'M', claims: [{ id: `SYNC${id}`, diagnoses: ['M5416'], lines: [{ code: '64483', modifiers: ['LT'], charge: '700', units: '1' }] }] });

writeFileSync(`${dir}spine-basic.837`, spineInterchange());
writeFileSync(`${dir}spine-crlf-bom.edi`, '\ufeff' + spineInterchange({ ...STANDARD, eol: '\r\n' }) + '\r\n\r\n');
writeFileSync(`${dir}spine-one-line.edi`, spineInterchange({ ...STANDARD, eol: '' }));
writeFileSync(`${dir}spine-newline-terminator.edi`, spineInterchange({ element: '*', repetition: '^', component: ':', terminator: '\n', eol: '' }));
writeFileSync(
  `${dir}spine-multi-interchange.edi`,
  buildInterchange({ control: '101', groups: [
    { control: '11', transactions: [{ control: '0001', subscribers: [small('01'), small('02')] }, { control: '0002', subscribers: [small('03')] }] },
    { control: '12', transactions: [{ control: '0001', subscribers: [small('04')] }] },
  ] }) + '\n' + spineInterchange(pipes, '102') + buildInterchange({ control: '103', delimiters: { ...STANDARD, eol: '' }, groups: [{ control: '13', transactions: [{ control: '0001', subscribers: [small('05')] }] }] }) + '\n\n',
);
