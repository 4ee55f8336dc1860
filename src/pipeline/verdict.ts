/**
 * A finished run's exit code and the one line that says why it is 1, as ESLint does for `--max-warnings`:
 * 3 when an input could not be read, else 1 when open findings reach `--fail-on` or the open warnings pass
 * `--max-warnings`, else 0.
 */
import type { FailOn } from './run.js';

export interface VerdictCounts {
  /** Open findings by severity. */
  open: { error: number; warning: number };
  /** Claims with an open error, and claims with an open warning or error. */
  claimsOpen: { error: number; warning: number };
  /** Inputs that could not be read (or whose outputs could not be trusted). */
  unreadable: number;
}

export interface Verdict {
  exitCode: 0 | 1 | 3;
  /** Why the exit code is 1 (each line a sentence without the `spinescrub:` prefix); empty otherwise. */
  reasons: string[];
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function runVerdict(counts: VerdictCounts, failOn: FailOn, maxWarnings: number | undefined): Verdict {
  const reasons: string[] = [];
  if (failOn === 'error' && counts.open.error > 0) {
    reasons.push(`${plural(counts.claimsOpen.error, 'claim')} held with open errors (--fail-on error)`);
  }
  if (failOn === 'warning' && counts.open.error + counts.open.warning > 0) {
    reasons.push(`${plural(counts.claimsOpen.warning, 'claim')} with open errors or warnings (--fail-on warning)`);
  }
  if (maxWarnings !== undefined && counts.open.warning > maxWarnings) {
    reasons.push(`${plural(counts.open.warning, 'open warning')}, more than --max-warnings ${maxWarnings}`);
  }
  if (counts.unreadable > 0) return { exitCode: 3, reasons: [] };
  return { exitCode: reasons.length > 0 ? 1 : 0, reasons };
}
