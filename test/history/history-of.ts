/**
 * Prior claims for rule table tests: an in-memory history database holding the given files, built with the
 * claim builder (same synthetic patient as the claim under test), normalized with the real reference tables.
 */
import type { HistoryView } from '../../src/encounter/history-view.js';
import { normalizeClaim } from '../../src/encounter/normalize.js';
import { RunHistory } from '../../src/history/run.js';
import { openHistory } from '../../src/history/sqlite.js';
import { defaultReference } from '../../src/reference/index.js';
import { claimOf, type ClaimSpec } from '../support/claim-builder.js';

/** `historyOf({ 'jan.837': [{ dos: '2026-01-05', lines: ['64483-RT'] }] })`; claim ids default to jan-1, jan-2 …; `held` files hold their claims. */
export function historyOf(files: Record<string, ClaimSpec[]>, options: { held?: readonly string[] } = {}): HistoryView {
  const store = openHistory(':memory:');
  for (const [name, specs] of Object.entries(files)) {
    const stem = name.replace(/\.[^.]*$/, '');
    const recorder = new RunHistory(store, { record: true }).file({ name, hash: `hash:${name}` });
    specs.forEach((spec, index) => {
      recorder.add(normalizeClaim(claimOf({ id: `${stem}-${index + 1}`, file: name, ...spec }), defaultReference), options.held?.includes(name) === true ? 'held' : 'ready');
    });
    recorder.commit();
  }
  return new RunHistory(store, { record: false }).view;
}

/** `n` prior sessions of `line` on the given dates, one claim each, in one file. */
export function priorSessions(file: string, line: string, dates: string[], extra: Partial<ClaimSpec> = {}): Record<string, ClaimSpec[]> {
  return { [file]: dates.map((dos) => ({ dos, lines: [line], ...extra })) };
}
