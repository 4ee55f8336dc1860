/**
 * An independent check that an X12 output is well-formed segment by segment (used on every output the fuzz and
 * truncation tests see): split on the delimiters its ISA declares, every segment has a tag's shape (or is a
 * segment of the input kept as read: a held file keeps damaged segments where they were), every ISA is 106
 * characters (a held file's may be the input's as read), ISA/GS/ST nest and close in order, and SE01, GE01, IEA01 and the trailer control numbers agree.
 * Returns the problems found (empty: well-formed).
 */
import { delimitersOf } from './helpers.js';

const TAG = /^[A-Z][A-Z0-9]{1,2}$/;

/**
 * Segments split on the terminator, an ISA read as X12 readers read it: it ends after ISA16, the 16th element
 * separator's next character (its elements may hold the terminator character).
 */
function splitSegments(text: string, element: string, terminator: string): { segments: string[]; tail: string } {
  const segments: string[] = [];
  let at = 0;
  for (;;) {
    while (at < text.length && (text[at] === '\r' || text[at] === '\n')) at += 1;
    let end = -1;
    if (text.startsWith('ISA', at) && text[at + 3] === element) {
      let separator = at + 3;
      for (let count = 1; count < 16 && separator >= 0; count += 1) separator = text.indexOf(element, separator + 1);
      if (separator >= 0 && text[separator + 2] === terminator) end = separator + 2;
    }
    if (end < 0) end = text.indexOf(terminator, at);
    if (end < 0) return { segments, tail: text.slice(at) };
    segments.push(text.slice(at, end));
    at = end + 1;
  }
}
/** Leading whitespace, NUL and Ctrl-Z (padding a writer keeps after an IEA). */
 
const LEADING_PADDING = /^[\s\u0000\u001a]+/;
/** Only padding: line breaks, Ctrl-Z, NUL, a byte order mark. */
 
const ONLY_PADDING = /^[\s\u0000\u001a\u00ef\u00bb\u00bf\ufeff]*$/;

export function x12Problems(output: string, input: string, options: { held?: boolean } = {}): string[] {
  const problems: string[] = [];
  let text = output.startsWith('\ufeff') ? output.slice(1) : output.startsWith('\u00ef\u00bb\u00bf') ? output.slice(3) : output;
  text = text.replace(/^\s+/, '');
  if (!text.startsWith('ISA')) return ['the output does not start with ISA'];
  const { element, terminator } = delimitersOf(text);
  const inputText = input.replace(LEADING_PADDING, '');
  const inputSegments = new Set([...input.split(terminator), ...splitSegments(inputText, element, terminator).segments].map((segment) => segment.replace(LEADING_PADDING, '')));
  const { segments, tail } = splitSegments(text, element, terminator);
  // After the last terminator: nothing but padding (line breaks, Ctrl-Z, NUL, a BOM).
  if (!ONLY_PADDING.test(tail)) problems.push(`text after the last terminator: ${JSON.stringify(tail.slice(0, 40))}`);
  let isa: string[] | null = null;
  let gs: string[] | null = null;
  let st: string[] | null = null;
  let stCount = 0;
  let groups = 0;
  let transactions = 0;
  segments.forEach((segment, index) => {
    const where = `segment ${index + 1} ${JSON.stringify(segment.slice(0, 30))}`;
    const elements = segment.split(element);
    const tag = elements[0]!;
    if (!TAG.test(tag)) {
      if (!inputSegments.has(segment)) problems.push(`${where}: no segment tag, and not a segment of the input`);
      if (st) stCount += 1;
      return;
    }
    if (st) stCount += 1;
    switch (tag) {
      case 'ISA':
        // A held file keeps a broken envelope's ISA as read; a ready file has only ISAs of 106 characters.
        if (segment.length + 1 !== 106 && !(options.held === true && inputSegments.has(segment))) problems.push(`${where}: ISA is ${segment.length + 1} characters, not 106`);
        if (isa) problems.push(`${where}: ISA inside an open interchange`);
        isa = elements;
        groups = 0;
        break;
      case 'GS':
        if (!isa || gs) problems.push(`${where}: GS out of place`);
        gs = elements;
        groups += 1;
        transactions = 0;
        break;
      case 'ST':
        if (!gs || st) problems.push(`${where}: ST out of place`);
        st = elements;
        stCount = 1;
        transactions += 1;
        break;
      case 'SE':
        if (!st) problems.push(`${where}: SE without ST`);
        else {
          if (elements[1] !== String(stCount)) problems.push(`${where}: SE01 ${elements[1]} but ${stCount} segments`);
          if (elements[2] !== st[2]) problems.push(`${where}: SE02 ${elements[2]} is not ST02 ${st[2]}`);
        }
        st = null;
        break;
      case 'GE':
        if (!gs || st) problems.push(`${where}: GE out of place`);
        else {
          if (elements[1] !== String(transactions)) problems.push(`${where}: GE01 ${elements[1]} but ${transactions} transactions`);
          if (elements[2] !== gs[6]) problems.push(`${where}: GE02 ${elements[2]} is not GS06 ${gs[6]}`);
        }
        gs = null;
        break;
      case 'IEA':
        if (!isa || gs) problems.push(`${where}: IEA out of place`);
        else {
          if (elements[1] !== String(groups)) problems.push(`${where}: IEA01 ${elements[1]} but ${groups} groups`);
          if (elements[2] !== (isa as string[])[13]) problems.push(`${where}: IEA02 ${elements[2]} is not ISA13`);
        }
        isa = null;
        break;
      default:
        if (!st) problems.push(`${where}: ${tag} outside a transaction set`);
    }
  });
  if (st || gs || isa) problems.push('the output ends inside an open envelope');
  return problems;
}
