/**
 * A small shell lexer for the Bash write analysis (bash-writes.ts): words with what is known
 * about them (quotes removed, `$HOME`-style variables expanded, `$(…)` kept for the analysis),
 * list and pipe operators, and redirections with their targets. It throws on text bash itself
 * would refuse (an unterminated quote) or that it cannot follow; the caller then falls back to
 * the plain words.
 */
import { must } from '../core/errors';

export interface Word {
  kind: 'word';
  text: string;
  /** Had an unquoted glob character. */
  glob: boolean;
  /** Had an expansion we could not resolve (`$X`, `$(…)`). */
  dynamic: boolean;
  /** Text of `$(…)` / backtick substitutions inside the word: analysed as commands too. */
  subs: string[];
}
export interface Op {
  kind: 'op';
  op: string;
}
export interface Redir {
  kind: 'redir';
  op: string;
  target?: Word;
}
export type Token = Word | Op | Redir;

/** Stands for `$PWD` in a word until the path is resolved against the directory of that point. */
export const PWD_MARK = '\u0000PWD\u0000';

export function lex(src: string, env: Record<string, string | undefined>): Token[] {
  return new Lexer(src, env).run();
}

/** What a backslash escape means inside `$'…'` (the ones a path could use). */
const ANSI_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v' };

/** The state of one pass over the text, in fields rather than closures so each step is readable on its own. */
class Lexer {
  private readonly tokens: Token[] = [];
  private i = 0;
  private word: Word | null = null;
  private pendingRedir: Redir | null = null;
  private readonly heredocs: { delim: string; stripTabs: boolean }[] = [];

  constructor(
    private readonly src: string,
    private readonly env: Record<string, string | undefined>,
  ) {}

  run(): Token[] {
    const src = this.src;
    while (this.i < src.length) {
      const c = src[this.i];
      if (c === '\n') {
        this.pushOp('\n');
        this.i++;
        this.skipHeredocBodies();
        continue;
      }
      if (c === ' ' || c === '\t') {
        this.endWord();
        this.i++;
        continue;
      }
      if (c === '#' && !this.word) {
        while (this.i < src.length && src[this.i] !== '\n') this.i++;
        continue;
      }
      if (c === '\\') {
        if (src[this.i + 1] === '\n') {
          this.i += 2; // line continuation
          continue;
        }
        this.startWord().text += src[this.i + 1] ?? '';
        this.i += 2;
        continue;
      }
      if (c === "'") {
        const end = src.indexOf("'", this.i + 1);
        if (end < 0) throw new Error('unterminated quote');
        this.startWord().text += src.slice(this.i + 1, end);
        this.i = end + 1;
        continue;
      }
      if (c === '"') {
        this.readDoubleQuoted(this.startWord());
        continue;
      }
      if (c === '$') {
        this.readDollar(this.startWord(), false);
        continue;
      }
      if (c === '`') {
        this.readBacktick(this.startWord());
        continue;
      }
      // Redirections: `>`, `>>`, `>|`, `&>`, `&>>`, `N>`, `N>&M`, `<`, `<<`, `<<-`, `<<<`, `<>`.
      if (c === '>' || c === '<' || (c === '&' && src[this.i + 1] === '>')) {
        this.readRedirection();
        continue;
      }
      if (c === '&' || c === '|' || c === ';') {
        const two = src.slice(this.i, this.i + 2);
        const op = ['&&', '||', ';;', '|&'].includes(two) ? two : c;
        this.pushOp(op);
        this.i += op.length;
        continue;
      }
      if (c === '(' || c === ')') {
        this.pushOp(c);
        this.i++;
        continue;
      }
      const w = this.startWord();
      if ((c === '*' || c === '?' || c === '[') && !w.dynamic) w.glob = true;
      w.text += c;
      this.i++;
    }
    this.endWord();
    if (this.pendingRedir) this.tokens.push(this.pendingRedir);
    return this.tokens;
  }

  private startWord(): Word {
    return (this.word ??= { kind: 'word', text: '', glob: false, dynamic: false, subs: [] });
  }

  private endWord(): void {
    const word = this.word;
    if (!word) return;
    const redir = this.pendingRedir;
    if (redir) {
      redir.target = word;
      if (redir.op.startsWith('<<') && redir.op !== '<<<') {
        this.heredocs.push({ delim: word.text, stripTabs: redir.op === '<<-' });
      }
      this.tokens.push(redir);
      this.pendingRedir = null;
    } else this.tokens.push(word);
    this.word = null;
  }

  private pushOp(op: string): void {
    this.endWord();
    if (this.pendingRedir) {
      this.tokens.push(this.pendingRedir);
      this.pendingRedir = null;
    }
    this.tokens.push({ kind: 'op', op });
  }

  /** Here-document bodies queued on the line that just ended are text, not commands. */
  private skipHeredocBodies(): void {
    const src = this.src;
    while (this.heredocs.length > 0) {
      const { delim, stripTabs } = this.heredocs.shift()!;
      for (;;) {
        if (this.i >= src.length) break;
        let eol = src.indexOf('\n', this.i);
        if (eol < 0) eol = src.length;
        let line = src.slice(this.i, eol);
        if (stripTabs) line = line.replace(/^\t+/, '');
        this.i = eol + 1;
        if (line === delim) break;
      }
    }
  }

  private readRedirection(): void {
    // The fd number (`2>`) belongs to the operator, not to the command's words.
    if (this.word && /^\d+$/.test(this.word.text)) this.word = null;
    this.endWord();
    if (this.pendingRedir) this.tokens.push(this.pendingRedir);
    // Called only where the lexer saw one of these operators.
    const op = must(/^(&>>|&>|>>|>\||>&|>|<<<|<<-|<<|<>|<&|<)/.exec(this.src.slice(this.i))?.[1], 'redirection operator');
    this.i += op.length;
    this.pendingRedir = { kind: 'redir', op };
  }

  private readDoubleQuoted(w: Word): void {
    const src = this.src;
    this.i++;
    while (this.i < src.length && src[this.i] !== '"') {
      if (src[this.i] === '\\' && '$`"\\\n'.includes(src[this.i + 1] ?? '')) {
        w.text += src[this.i + 1];
        this.i += 2;
      } else if (src[this.i] === '$') this.readDollar(w, true);
      else if (src[this.i] === '`') this.readBacktick(w);
      else w.text += src[this.i++];
    }
    if (this.i >= src.length) throw new Error('unterminated quote');
    this.i++;
  }

  /** Reads `$…` at the current position (at the `$`); appends to the word. */
  private readDollar(w: Word, quoted: boolean): void {
    const src = this.src;
    const i = this.i;
    const next = src[i + 1];
    if (next === '(') {
      const end = matchParen(src, i + 1);
      const inner = src.slice(i + 2, end);
      if (src[i + 2] !== '(') w.subs.push(inner); // `$((…))` is arithmetic, not a command.
      w.text += src.slice(i, end + 1);
      w.dynamic = true;
      this.i = end + 1;
      return;
    }
    if (next === "'" && !quoted) {
      // ANSI-C quoting: `$'it\'s'`, where a backslash escapes the quote.
      let j = i + 2;
      let text = '';
      while (j < src.length && src[j] !== "'") {
        if (src[j] === '\\' && j + 1 < src.length) {
          const escaped = src.charAt(j + 1);
          text += ANSI_ESCAPES[escaped] ?? escaped;
          j += 2;
        } else text += src[j++];
      }
      if (j >= src.length) throw new Error('unterminated quote');
      w.text += text;
      this.i = j + 1;
      return;
    }
    const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*)|([0-9@*#?$!-]))/.exec(src.slice(i));
    if (!m) {
      if (next === '{') {
        // `${x:-'}'}`: the closing brace is the first one outside quotes and nested braces.
        const close = matchBrace(src, i + 1);
        w.text += src.slice(i, close + 1);
        w.dynamic = true;
        this.i = close + 1;
        return;
      }
      w.text += '$';
      this.i++;
      return;
    }
    const name = m[1] ?? m[2];
    // $PWD follows `cd` within the command: resolved when the path is (see resolvePath).
    const value = name === 'PWD' ? PWD_MARK : name ? this.env[name] : undefined;
    if (value !== undefined) w.text += value;
    else {
      w.text += m[0];
      w.dynamic = true;
    }
    this.i += m[0].length;
  }

  private readBacktick(w: Word): void {
    const end = this.src.indexOf('`', this.i + 1);
    if (end < 0) throw new Error('unterminated backtick');
    w.subs.push(this.src.slice(this.i + 1, end));
    w.text += this.src.slice(this.i, end + 1);
    w.dynamic = true;
    this.i = end + 1;
  }
}

/**
 * Index of the `close` ending the `open` character at `at`, skipping single-quoted text (and,
 * for `${…}`, double-quoted text too) and nested pairs.
 */
function matchClose(src: string, at: number, open: string, close: string, skipDoubleQuotes: boolean): number {
  let depth = 0;
  for (let j = at; j < src.length; j++) {
    const c = src[j];
    if (c === "'") {
      const e = src.indexOf("'", j + 1);
      if (e < 0) break;
      j = e;
    } else if (c === '"' && skipDoubleQuotes) {
      let e = j + 1;
      while (e < src.length && src[e] !== '"') e += src[e] === '\\' ? 2 : 1;
      if (e >= src.length) break;
      j = e;
    } else if (c === '\\') j++;
    else if (c === open) depth++;
    else if (c === close && --depth === 0) return j;
  }
  throw new Error(`unbalanced ${open === '{' ? '${' : '$('}`);
}

/** Index of the `}` closing the `{` at `open` (a `${…}`). */
function matchBrace(src: string, open: number): number {
  return matchClose(src, open, '{', '}', true);
}

/** Index of the `)` closing the `(` at `open`. */
function matchParen(src: string, open: number): number {
  return matchClose(src, open, '(', ')', false);
}
