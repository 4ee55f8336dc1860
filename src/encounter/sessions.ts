/**
 * Sessions (rules.md Terms): the lines of one claim with the same date of service and rendering provider —
 * the line's rendering NPI (2420A), else the claim's (2310B). Sessions come in the order of their first line;
 * lines keep claim order and are the claim's own objects.
 */
import type { Claim, Encounter } from './model.js';

export function sessionsOf(claim: Claim): Encounter[] {
  if (oneSession(claim)) {
    const first = claim.lines[0]!;
    const renderingNpi = first.renderingNpi ?? claim.renderingNpi;
    const session: Encounter = { claim, serviceDate: first.serviceDate, lines: claim.lines.slice() };
    if (renderingNpi !== undefined) session.renderingNpi = renderingNpi;
    return [session];
  }
  const sessions: Encounter[] = [];
  // The provider part of each session's key (no NPI and '' are one provider). Claims have a few sessions at
  // most: a scan beats building a string key per line.
  const providers: string[] = [];
  for (const line of claim.lines) {
    const renderingNpi = line.renderingNpi ?? claim.renderingNpi;
    const provider = renderingNpi ?? '';
    let session: Encounter | undefined;
    for (let i = 0; i < sessions.length; i++) {
      if (sessions[i]!.serviceDate === line.serviceDate && providers[i] === provider) {
        session = sessions[i];
        break;
      }
    }
    if (session === undefined) {
      session = { claim, serviceDate: line.serviceDate, lines: [] };
      if (renderingNpi !== undefined) session.renderingNpi = renderingNpi;
      sessions.push(session);
      providers.push(provider);
    }
    session.lines.push(line);
  }
  return sessions;
}

/** Every line on the first line's date with its provider (most claims): one session, built without grouping. */
function oneSession(claim: Claim): boolean {
  const first = claim.lines[0];
  if (first === undefined) return false;
  const provider = first.renderingNpi ?? claim.renderingNpi ?? '';
  for (const line of claim.lines) {
    if (line.serviceDate !== first.serviceDate || (line.renderingNpi ?? claim.renderingNpi ?? '') !== provider) return false;
  }
  return true;
}
