/** The claim table's key comparison: byte by byte for ASCII ids, as text otherwise. */
import { describe, expect, it } from 'vitest';
import { ClaimTable, type HistoryClaim } from '../../src/history/claims.js';

const claimOf = (claimId: string, billingNpi = '1999999984'): HistoryClaim => ({
  claimId, billingNpi, frequency: '1', payerClaimNumber: null, status: 'ready', chargeCents: 0, lines: [],
});

describe('ClaimTable.hasKey', () => {
  it('a claim is found by its billing NPI and claim id, ASCII or not, and by nothing else', () => {
    const table = new ClaimTable();
    const ids = ['C1', 'C10', 'É1', 'ÉÉ', 'E1'];
    for (const id of ids) table.add(claimOf(id), 0, 0, -1);
    const asked = ['C1', 'C10', 'C2', 'É1', 'ÉÉ', 'E1', 'Éx', 'C', ''];
    const found = asked.map((id) => ids.flatMap((_, claim) => (table.hasKey(claim, '1999999984', id) ? [claim] : [])));
    expect(found).toEqual([[0], [1], [], [2], [3], [4], [], [], []]);
    expect(table.hasKey(0, '1888888885', 'C1')).toBe(false);
  });
});
