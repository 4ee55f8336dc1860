/**
 * The files of an output folder as a reader sees them: the outputs through their links (ready/…, held/…,
 * exceptions.csv …), without the folder's own bookkeeping (.spinescrub-output, .spinescrub-current and the run
 * directory it points at). Anything else shows up: a run directory a killed run left, a stray file.
 */
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';

function currentRun(dir: string): string | null {
  try {
    return path.basename(readlinkSync(path.join(dir, '.spinescrub-current')));
  } catch {
    return null;
  }
}

export function listOutputTree(dir: string, prefix = '', top = dir): string[] {
  const out: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return out;
  }
  const current = currentRun(top);
  for (const entry of entries) {
    const full = path.join(dir, entry);
    const relative = prefix ? `${prefix}/${entry}` : entry;
    if (relative === '.spinescrub-output' || relative === '.spinescrub-current') continue;
    if (current !== null && relative === `.spinescrub-runs/${current}`) continue;
    let info;
    try {
      info = statSync(full);
    } catch {
      continue; // a link to nothing (an output the current run does not have)
    }
    if (info.isDirectory()) out.push(...listOutputTree(full, relative, top));
    else out.push(relative);
  }
  return out;
}
