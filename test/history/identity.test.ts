/**
 * Name and member id normalization: the shortcut for values already normalized (capitals and digits) must give
 * what the general path gives, since the database stores hashes of the normalized names.
 */
import { describe, expect, it } from 'vitest';
import { identityOf, normalizeMemberId, normalizeName } from '../../src/history/identity.js';

describe('identity normalization', () => {
  it('normalizes names with and without the shortcut', () => {
    const cases: [string | undefined, string][] = [
      [undefined, ''],
      ['', ''],
      ['DOE', 'DOE'],
      ['doe', 'DOE'],
      ['JR', ''],
      ['III', ''],
      ['IIII', 'IIII'],
      ['SMITH JR', 'SMITH'],
      ['SMITH, JR.', 'SMITH'],
      ["O'NEIL-SMITH", 'ONEILSMITH'],
      ['Müller', 'MULLER'],
      ['JOSÉ MARÍA', 'JOSEMARIA'],
      ['AB12', 'AB12'],
    ];
    expect(cases.map(([name]) => normalizeName(name))).toEqual(cases.map(([, normalized]) => normalized));
  });

  it('normalizes member ids with and without the shortcut', () => {
    expect(['ABC12345', 'abc 123-45', ' - ', 'X', 'ab-C'].map(normalizeMemberId)).toEqual(['ABC12345', 'ABC12345', null, 'X', 'ABC']);
  });

  it('gives one identity to one person written two ways', () => {
    const plain = identityOf({ memberId: 'ABC12345', lastName: 'MULLER', firstName: 'ANNA', dateOfBirth: '1960-01-02', dependent: true });
    const written = identityOf({ memberId: 'abc 123-45', lastName: 'Müller Jr', firstName: 'anna', dateOfBirth: '1960-01-02', dependent: true });
    expect(written).toEqual(plain);
    expect(plain.nameKey).toMatch(/^[0-9a-f]{24}$/);
    expect(plain.dependentKey).toMatch(/^[0-9a-f]{24}$/);
  });
});
