/** `spinescrub rules` and `spinescrub explain`, through runCli with captured output. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/cli.js';
import { rules } from '../../src/rules/index.js';

let out = '';
let err = '';
beforeEach(() => {
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((out += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((err += String(chunk)), true));
  process.exitCode = 0;
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = 0;
});

describe('spinescrub rules', () => {
  it('lists every rule with severity per profile, fixable and source', async () => {
    expect(await runCli(['rules'])).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^id +medicare +medicare-advantage +commercial +guide +fixable +source$/);
    expect(lines.find((l) => l.startsWith('esi/unguided ⚑'))).toMatch(/^esi\/unguided ⚑ +warning +warning +warning +off +— +ESI LCD L39240/);
    expect(lines.find((l) => l.startsWith('coverage/liability-modifier '))).toMatch(/^coverage\/liability-modifier +error +off +off +off +safe /);
    expect(lines.find((l) => l.startsWith('facet/kx '))).toMatch(/^facet\/kx +warning +warning +off +warning +— /);
    expect(lines.find((l) => l.startsWith('primary/repeated '))).toMatch(/^primary\/repeated +error +error +error +error +— +CPT descriptors/);
    expect(out).toContain(`\n${rules.length} rules; ⚑ coverage limit;`);
    for (const rule of rules) expect(out).toContain(`\n${rule.meta.id}`);
  });

  it('--policy adds the severities a policy file gives; --json prints data', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'spinescrub-cli-')), 'payer.json');
    writeFileSync(file, JSON.stringify({ name: 'payer-x', extends: 'guide', severities: { 'esi/unguided': 'error' } }));
    expect(await runCli(['rules', '--policy', file, '--json'])).toBe(0);
    const data = JSON.parse(out) as { policy: string; rules: { id: string; medicare: string; guide: string; policy: string; fixable: string | null }[] };
    expect(data.policy).toBe('payer-x');
    expect(data.rules.find((r) => r.id === 'esi/unguided')).toMatchObject({ medicare: 'warning', guide: 'off', policy: 'error', fixable: null });
    expect(data.rules.find((r) => r.id === 'esi/multiple-regions')).toMatchObject({ policy: 'off' });
  });

  it('--payer-class lists the rules that apply to a claim of that class, with their severity', async () => {
    expect(await runCli(['rules', '--payer-class', 'CI'])).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toBe('payer class CI (Commercial insurance): profile commercial, policy commercial');
    expect(lines[2]).toMatch(/^id +severity +fixable +source$/);
    expect(lines.find((l) => l.startsWith('mue/units '))).toMatch(/^mue\/units +error +— /);
    expect(lines.find((l) => l.startsWith('frequency/esi ⚑'))).toMatch(/^frequency\/esi ⚑ +warning /);
    expect(out).not.toContain('\ncoverage/liability-modifier ');
    expect(out).not.toContain('\nfacet/kx ');
    expect(out).toContain(`\n${rules.length - 3} rules apply; off for this class: drug/jw-jz, coverage/liability-modifier, facet/kx.\n`);

    out = '';
    expect(await runCli(['rules', '--payer-class', 'mb', '--json'])).toBe(0);
    const medicare = JSON.parse(out) as { payerClass: string; profile: string; rules: { id: string; severity: string }[]; off: string[] };
    expect(medicare).toMatchObject({ payerClass: 'MB', profile: 'medicare' });
    expect(medicare.rules.find((r) => r.id === 'coverage/liability-modifier')).toMatchObject({ severity: 'error' });
    expect(medicare.off).toEqual(rules.filter((r) => r.meta.severity.medicare === 'off').map((r) => r.meta.id));

    out = '';
    expect(await runCli(['rules', '--payer-class', '16', '--json'])).toBe(0);
    const advantage = JSON.parse(out) as { profile: string; rules: { id: string; severity: string }[]; off: string[] };
    expect(advantage.profile).toBe('medicare-advantage');
    expect(advantage.off).toContain('coverage/liability-modifier');
    expect(advantage.rules.find((r) => r.id === 'facet/kx')).toMatchObject({ severity: 'warning' });
  });

  it('--payer-class with an unknown code is a usage error, exit 2', async () => {
    expect(await runCli(['rules', '--payer-class', 'XX'])).toBe(2);
    expect(err).toMatch(/^spinescrub: unknown payer class 'XX' \(claim filing indicator codes: 11, 12, .* ZZ\)\n$/);
  });

  it('a bad policy file is a one-line CFG_ error, exit 2', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'spinescrub-cli-')), 'bad.json');
    writeFileSync(file, JSON.stringify({ severities: { 'esi/nope': 'off' } }));
    expect(await runCli(['rules', '--policy', file])).toBe(2);
    expect(err).toBe(`spinescrub: CFG_UNKNOWN_RULE: ${file} at /severities/esi~1nope: unknown rule id 'esi/nope' (see \`spinescrub rules\`)\n`);
  });
});

describe('spinescrub explain', () => {
  it('prints description, severities, fix, source and the example of the doc page', async () => {
    expect(await runCli(['explain', 'imaging/unguided-with-guidance'])).toBe(0);
    expect(out).toContain('imaging/unguided-with-guidance\n\nAn unguided interlaminar ESI (62320/62322) billed with fluoroscopic or CT guidance');
    expect(out).toContain('severity  medicare: error   medicare-advantage: error   commercial: error   guide: error\nfix       suggested for review (holds the claim)\nsource    CPT parenthetical for 62320–62323');
    expect(out).toContain('\nExample\n  line 1 62322 $600.00   line 2 77003 $100.00\n  → line 1 error (held): Recode 62322 to 62323 and remove 77003 if imaging guided the injection');
    expect(out).not.toContain('```');
  });

  it('explains input/read-problem', async () => {
    expect(await runCli(['explain', 'input/read-problem'])).toBe(0);
    expect(out).toContain('Not a rule');
  });

  it('exits 2 for an unknown id, with near ids', async () => {
    expect(await runCli(['explain', 'esi/unguide'])).toBe(2);
    expect(out).toBe('');
    expect(err).toBe("spinescrub: unknown rule id 'esi/unguide' (did you mean esi/interlaminar-units, esi/unguided, esi/multiple-regions, esi/transforaminal-levels?); `spinescrub rules` lists them\n");
  });
});
