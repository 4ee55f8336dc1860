/** scripts/profile-stages.ts: samples charged to the first stage marker found from the root of their stack. */
import { describe, expect, it } from 'vitest';
import { stageTimes } from '../../scripts/profile-stages.js';

const frame = (functionName: string, file = '') => ({ functionName, url: file === '' ? '' : `file:///app/dist/${file}` });

describe('stageTimes', () => {
  it('charges a sample to the outermost stage on its stack, collections and other frames apart, idle left out', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 6, 7, 8] },
        { id: 2, callFrame: frame('runPass', 'pipeline/process-file.js'), children: [3, 5] },
        { id: 3, callFrame: frame('check', 'pipeline/checker.js'), children: [4] },
        // The history's answers inside a check are the check's; a commit is the recording's.
        { id: 4, callFrame: frame('linesOf', 'history/run.js') },
        { id: 5, callFrame: frame('commit', 'history/run.js') },
        { id: 6, callFrame: frame('(garbage collector)') },
        { id: 7, callFrame: frame('(idle)') },
        { id: 8, callFrame: frame('writeRunReports', 'report/write-reports.js'), children: [9] },
        { id: 9, callFrame: frame('spill', 'report/held.js') },
      ],
      samples: [4, 3, 5, 6, 7, 9, 2],
      timeDeltas: [10, 20, 30, 40, 50, 60, 70],
    };
    expect(Object.fromEntries(stageTimes(profile))).toEqual({
      check: 30,
      'record history': 30,
      'garbage collection': 40,
      'final reports': 60,
      other: 70,
    });
  });
});
