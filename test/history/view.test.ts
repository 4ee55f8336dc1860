/**
 * patientKeyOf: one frozen key object per claim while the claim is among the last few asked about (the store keys its
 * identity cache on the object), the same values always, and a dependent flag that ignores case and spaces.
 */
import { describe, expect, it } from 'vitest';
import type { Claim } from '../../src/encounter/model.js';
import { patientKeyOf } from '../../src/history/view.js';
import { claim } from './fixtures.js';

describe('patientKeyOf', () => {
  it('gives the same key object for a claim asked about again among the last eight, equal values after that', () => {
    const claims = Array.from({ length: 12 }, (_, i) => claim({ id: `C${i}`, member: `MEM${i}`, lines: ['64493-RT'] }));
    const first = patientKeyOf(claims[0]!);
    expect(first).toEqual({ memberId: 'MEM0', lastName: 'DOE', firstName: 'JANE', dateOfBirth: '1955-05-05' });
    expect(Object.isFrozen(first)).toBe(true);
    for (let i = 1; i < 8; i++) patientKeyOf(claims[i]!);
    expect(patientKeyOf(claims[0]!)).toBe(first);
    expect(patientKeyOf(claims[3]!)).toBe(patientKeyOf(claims[3]!));
    for (let i = 1; i < 12; i++) patientKeyOf(claims[i]!);
    const again = patientKeyOf(claims[0]!);
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });

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
