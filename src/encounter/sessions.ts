/**
 * Sessions (docs/rules/README.md, Terms): the lines of one claim with the same date of service and rendering provider —
 * the line's rendering NPI (2420A), else the claim's (2310B). Sessions come in the order of their first line;
 * lines keep claim order and are the claim's own objects. Read-only, like the claim: the session of a claim of one
 * session has the claim's `lines` array itself.
 */
import type { Claim, Encounter } from './model.js';

export function sessionsOf(claim: Claim): Encounter[] {
  if (oneSession(claim)) {
    const first = claim.lines[0]!;
    const renderingNpi = first.renderingNpi ?? claim.renderingNpi;
    // The claim's own lines array (read-only to every reader, as the claim is), not a copy of it. The provider in
    // the literal (not added after: that gives the object a second block for it), in the engine's order for its
    // whole-claim encounter, so that the rules meet fewer encounter shapes.
    return [
      renderingNpi === undefined
        ? { claim, serviceDate: first.serviceDate, lines: claim.lines }
        : { claim, serviceDate: first.serviceDate, renderingNpi, lines: claim.lines },
    ];
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
      session = renderingNpi === undefined ? { claim, serviceDate: line.serviceDate, lines: [] } : { claim, serviceDate: line.serviceDate, renderingNpi, lines: [] };
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
