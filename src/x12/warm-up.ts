/**
 * A small synthetic 837P (made-up names and ids) that the reader runs through once per process before the first
 * real file (reader.ts warmUpReader). Why: V8 optimizes the tokenizer and assembler after a few thousand segments,
 * when the rarer paths (SE then ST, a second billing provider loop, a patient loop, GE, IEA) have not run yet; each
 * of them then throws the optimized code away when it first comes and the functions are compiled again. With
 * their type feedback gathered here first, a real file's read keeps its optimized code (docs/performance.md).
 * Nothing of it is kept but what caches keep (tags, codes, dates: equal values).
 */

/** The segments of one transaction set: billing provider, a subscriber claim, a subscriber with a patient claim. */
function transaction(control: string): string[] {
  const body = [
    `BHT*0019*00*W${control}*20260101*0000*CH`,
    'NM1*41*2*WARM UP CLINIC*****46*900000001',
    'PER*IC*OFFICE*TE*5555550100',
    'NM1*40*2*WARM UP PAYER*****46*WARMUP',
    'HL*1**20*1',
    'PRV*BI*PXC*208VP0014X',
    'NM1*85*2*WARM UP CLINIC*****XX*1234567893',
    'N3*1 MAIN ST',
    'N4*ANYTOWN*IL*62701',
    'REF*EI*900000001',
    'HL*2*1*22*0',
    'SBR*P*18*******MB',
    'NM1*IL*1*SAMPLE*ANN****MI*W00000001',
    'N3*2 MAIN ST',
    'N4*ANYTOWN*IL*62701',
    'DMG*D8*19600101*F',
    'NM1*PR*2*WARM UP PAYER*****PI*WARMUP01',
    `CLM*W${control}A*1097.2***11:B:1*Y*A*Y*Y`,
    'HI*ABK:M5412*ABF:M5450',
    'NM1*82*1*SAMPLE*BEN****XX*1234567893',
    'PRV*PE*PXC*208VP0014X',
    'LX*1',
    'SV1*HC:64479:50*780*UN*1***1',
    'DTP*472*D8*20260220',
    'LX*2',
    'SV1*HC:J3301*7.2*UN*4***1',
    'DTP*472*D8*20260220',
    'LIN**N4*00003029305',
    'CTP****40*ME',
    'HL*3*1*22*1',
    'SBR*P*18*GRP1*******CI',
    'NM1*IL*1*SAMPLE*CAL****MI*W00000002',
    'NM1*PR*2*WARM UP PLAN*****PI*WARMUP02',
    'HL*4*3*23*0',
    'PAT*19',
    'NM1*QC*1*SAMPLE*DEE',
    'DMG*D8*20000101*M',
    `CLM*W${control}B*900***11:B:1*Y*A*Y*Y`,
    'HI*ABK:M47817',
    'LX*1',
    'SV1*HC:64493:50:KX*630*UN*1***1',
    'DTP*472*D8*20260227',
    'LX*2',
    'SV1*HC:64494:50:KX*270*UN*1***1',
    'DTP*472*D8*20260227',
  ];
  return [`ST*837*${control}*005010X222A1`, ...body, `SE*${body.length + 2}*${control}`];
}

/** One interchange with two transaction sets, a segment a line. */
export const WARM_UP_837: string = [
  'ISA*00*          *00*          *ZZ*WARMUP         *ZZ*WARMUP         *260101*0000*^*00501*000000001*0*T*:',
  'GS*HC*WARMUP*WARMUP*20260101*0000*1*X*005010X222A1',
  ...transaction('0001'),
  ...transaction('0002'),
  'GE*2*1',
  'IEA*1*000000001',
].map((segment) => `${segment}~\n`).join('');
