/**
 * The board's bytes ↔ text, losslessly. The board is UTF-8 markdown, but a person's editor may
 * have saved a Latin-1 `é` or any byte that is not UTF-8: such a byte is carried through the
 * text as one lone surrogate (U+DC80 + byte, as Python's "surrogateescape") and written back as
 * the same byte, so a rewrite never changes what it does not understand. A board in an encoding
 * that cannot be read as lines of text at all (UTF-16, binary) is refused with a message, never
 * read as an empty board whose every path is free.
 */
import { must } from './errors';

export class BoardEncodingError extends Error {
  constructor(
    readonly file: string,
    readonly why: string,
  ) {
    super(`cannot read the board ${file}: ${why}`);
    this.name = 'BoardEncodingError';
  }
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const fatal = new TextDecoder('utf-8', { fatal: true });

/** Length of the valid UTF-8 sequence at `i`, or 0 when the byte there starts none. */
function seqLength(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c === undefined) return 0;
  if (c < 0x80) return 1;
  let n: number;
  let min: number;
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
    min = 0x80;
  } else if (c >= 0xe0 && c <= 0xef) {
    n = 3;
    min = 0x800;
  } else if (c >= 0xf0 && c <= 0xf4) {
    n = 4;
    min = 0x10000;
  } else return 0;
  if (i + n > b.length) return 0;
  let cp = c & (0xff >> (n + 1));
  for (let k = 1; k < n; k++) {
    const d = b[i + k];
    if (d === undefined || (d & 0xc0) !== 0x80) return 0;
    cp = (cp << 6) | (d & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

export interface DecodedBoard {
  text: string;
  /** The file started with a UTF-8 byte order mark (kept on write). */
  bom: boolean;
  /** How many bytes were not UTF-8 and are carried through as they are. */
  escapedBytes: number;
}

/** The bytes after the byte order mark; throws BoardEncodingError for a board that is not line-based 8-bit text. */
export function boardBody(buf: Uint8Array, file: string): { body: Uint8Array; bom: boolean } {
  if (buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff))) {
    throw new BoardEncodingError(file, 'it is UTF-16 text; save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)');
  }
  const head = buf.subarray(0, 4096);
  if (head.includes(0)) {
    throw new BoardEncodingError(file, 'it holds NUL bytes (UTF-16 without a byte order mark, or not text); save it as UTF-8');
  }
  const bom = startsWithBom(buf);
  return { body: bom ? buf.subarray(3) : buf, bom };
}

export function startsWithBom(buf: Uint8Array): boolean {
  return buf.length >= 3 && UTF8_BOM.every((x, k) => buf[k] === x);
}

const fatalKeepingBom = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Bytes from inside a board's body (a line: no sequence spans a newline) → the same text
 * `decodeBoard` gives for them in the whole board, when the body does not start with a second
 * byte order mark (the whole board's decoder drops one there).
 */
export function decodeBoardRange(body: Uint8Array, from: number, to: number): string {
  const part = body.subarray(from, to);
  try {
    return fatalKeepingBom.decode(part);
  } catch {
    return escapeDecode(part).text;
  }
}

/** Bytes → text; throws BoardEncodingError for a board that is not line-based 8-bit text. */
export function decodeBoard(buf: Uint8Array, file: string): DecodedBoard {
  const { body, bom } = boardBody(buf, file);
  try {
    return { text: fatal.decode(body), bom, escapedBytes: 0 };
  } catch {
    // Some bytes are not UTF-8: decode run by run, escaping each stray byte.
  }
  const d = escapeDecode(body);
  return { text: d.text, bom, escapedBytes: d.escaped };
}

function escapeDecode(body: Uint8Array): { text: string; escaped: number } {
  const parts: string[] = [];
  let escaped = 0;
  let runStart = 0;
  let i = 0;
  while (i < body.length) {
    const n = seqLength(body, i);
    if (n > 0) {
      i += n;
      continue;
    }
    if (i > runStart) parts.push(Buffer.from(body.buffer, body.byteOffset + runStart, i - runStart).toString('utf8'));
    parts.push(String.fromCharCode(0xdc00 + must(body[i], 'a byte inside the board')));
    escaped++;
    i++;
    runStart = i;
  }
  if (i > runStart) parts.push(Buffer.from(body.buffer, body.byteOffset + runStart, i - runStart).toString('utf8'));
  return { text: parts.join(''), escaped };
}

/** A lone low surrogate U+DC80…U+DCFF (not the second half of a pair) stands for one raw byte. */
const ESCAPED_BYTE = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/g;

/** Text → bytes, the inverse of decodeBoard. */
export function encodeBoard(text: string, bom: boolean): Buffer {
  const chunks: Buffer[] = bom ? [Buffer.from(UTF8_BOM)] : [];
  let last = 0;
  ESCAPED_BYTE.lastIndex = 0;
  for (let m = ESCAPED_BYTE.exec(text); m; m = ESCAPED_BYTE.exec(text)) {
    if (m.index > last) chunks.push(Buffer.from(text.slice(last, m.index), 'utf8'));
    chunks.push(Buffer.from([text.charCodeAt(m.index) - 0xdc00]));
    last = m.index + 1;
  }
  if (chunks.length === 0) return Buffer.from(text, 'utf8');
  if (last < text.length) chunks.push(Buffer.from(text.slice(last), 'utf8'));
  return Buffer.concat(chunks);
}
