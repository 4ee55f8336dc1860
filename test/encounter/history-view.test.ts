/** patientKeyOf (the core's patient key): a dependent flag that ignores case and spaces. */
import { describe, expect, it } from 'vitest';
import type { Claim } from '../../src/encounter/model.js';
import { patientKeyOf } from '../../src/encounter/history-view.js';
import { claim } from '../history/fixtures.js';

describe('patientKeyOf', () => {
  it('flags a dependent when the patient is another person than the subscriber, not when only case or spaces differ', () => {
    const child = claim({ id: 'K1', member: 'FAM1', last: 'SUBSCRIBER', first: 'KIM', dob: '1990-02-02', dependent: true, lines: ['64493-RT'] });
    expect(patientKeyOf(child)).toEqual({ memberId: 'FAM1', lastName: 'SUBSCRIBER', firstName: 'KIM', dateOfBirth: '1990-02-02', dependent: true });
    const self = claim({ id: 'S1', member: 'FAM1', lines: ['64493-RT'] });
    const written: Claim = { ...self, patient: { ...self.subscriber, lastName: ' doe ', firstName: 'Jane' } };
    expect(patientKeyOf(written).dependent).toBeUndefined();
    const missing: Claim = { ...self, patient: { ...self.subscriber, firstName: undefined } as Claim['patient'] };
    expect(patientKeyOf(missing).dependent).toBe(true);
    const bothMissing: Claim = {
      ...self,
      patient: { memberId: 'FAM1', lastName: 'DOE', dateOfBirth: '1955-05-05' } as Claim['patient'],
      subscriber: { memberId: 'FAM1', lastName: 'DOE', firstName: '', dateOfBirth: '1955-05-05' } as Claim['subscriber'],
    };
    expect(patientKeyOf(bothMissing).dependent).toBeUndefined();
  });
});
