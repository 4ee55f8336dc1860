/** interpolate (templates cut once, cached) gives what the regex replacement it replaced gives. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { interpolate } from '../../src/rules/engine.js';

function byRegex(template: string, data?: Record<string, string | number>): string {
  if (!data) return template;
  return template.replace(/\{\{\s*([^{}\s]+)\s*\}\}/g, (whole, name: string) => (name in data ? String(data[name]) : whole));
}

const piece = fc.oneof(
  fc.constantFrom('{{', '}}', '{', '}', ' ', '{{code}}', '{{ code }}', '{{other}}', '{{ x}}', '{{a b}}', '{{}}', '{{{code}}}', '$&', '$1', 'toString', '{{toString}}', '{{constructor}}'),
  fc.string({ maxLength: 6 }),
);
const template = fc.array(piece, { maxLength: 12 }).map((parts) => parts.join(''));
const data = fc.option(
  fc.dictionary(fc.constantFrom('code', 'other', 'x', 'a', 'b'), fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.constantFrom('{{code}}', '$&'))),
  { nil: undefined },
);

describe('interpolate', () => {
  it('matches the regex replacement on random templates and data', () => {
    fc.assert(fc.property(template, data, (text, values) => interpolate(text, values) === byRegex(text, values)), { numRuns: 5000 });
  });

  it('gives the same text the second time (cached template)', () => {
    const text = 'Unexpected {{ code }} with {{other}}, expected {{x}} ({{code}})';
    expect(interpolate(text, { code: '77003', other: 62323 })).toBe('Unexpected 77003 with 62323, expected {{x}} (77003)');
    expect(interpolate(text, { code: '64483', other: 1, x: 'y' })).toBe('Unexpected 64483 with 1, expected y (64483)');
    expect(interpolate('no placeholders', { code: '1' })).toBe('no placeholders');
  });
});
