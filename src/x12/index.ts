/** The X12 837P adapter: a streaming reader and a writer behind the pipeline contracts (formats/types.ts). */
export { readX12 } from './reader.js';
export { createX12Writer } from './writer.js';
export { X12Error, type X12ErrorCode } from './errors.js';
export { isX12Raw, mapClaim, MAX_ELEMENT_CHARS, MAX_LINES } from './assembler.js';
export type { Group, HlLoop, Interchange, Transaction, X12RawClaim } from './assembler.js';
export { Segment, X12Tokenizer, tokenize } from './tokenizer.js';
export type { Delimiters, SegmentSource, TokenizerNote } from './tokenizer.js';
export { parseCents, parseD8 } from './values.js';
