/**
 * Sessions (rules.md Terms): the lines of one claim with the same date of service and rendering provider —
 * the line's rendering NPI (2420A), else the claim's (2310B). Sessions come in the order of their first line;
 * lines keep claim order and are the claim's own objects.
 */
import type { Claim, Encounter } from './model.js';

export function sessionsOf(claim: Claim): Encounter[] {
  const sessions: Encounter[] = [];
  const byKey = new Map<string, Encounter>();
  for (const line of claim.lines) {
    const renderingNpi = line.renderingNpi ?? claim.renderingNpi;
    const key = `${line.serviceDate}\u0000${renderingNpi ?? ''}`;
    let session = byKey.get(key);
    if (session === undefined) {
      session = { claim, serviceDate: line.serviceDate, lines: [] };
      if (renderingNpi !== undefined) session.renderingNpi = renderingNpi;
      byKey.set(key, session);
      sessions.push(session);
    }
    session.lines.push(line);
  }
  return sessions;
}
