/** `claimboard <command> --help`, `claimboard help <command>`, and the hints of unknown options. */
import type { Command, OptionDoc, OptionDocs } from './command';

/** The options every command takes, before or after the command word. */
export const GLOBAL_OPTIONS: OptionDocs = {
  board: {
    type: 'string',
    arg: 'PATH',
    default: '$CLAIMBOARD_BOARD, else ~/.claude/hooks/state/coordination.md',
    help: 'the coordination board to read and write',
  },
  session: {
    type: 'string',
    arg: 'NAME',
    default: '$CLAIMBOARD_SESSION; inside Claude Code the session the hooks registered; in your own terminal your OS user name',
    help: 'who you are on the board: claims are held by this name',
  },
  json: { type: 'boolean', help: 'print the result as JSON (two-space indented) instead of text' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
  version: { type: 'boolean', help: 'print the version of claimboard' },
};

/**
 * The terminal's width, so help wraps where the person's window does: $COLUMNS when set, the
 * terminal's own when printing to one, else 80. Never narrower than 40.
 */
export function terminalWidth(env: NodeJS.ProcessEnv, stdoutColumns?: number): number {
  const fromEnv = Number(env.COLUMNS);
  const w = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : (stdoutColumns ?? 80);
  return Math.max(40, w);
}

/** Words of `text` in lines of at most `width` characters, each after `indent` spaces. */
export function wrap(text: string, width: number, indent: number, firstIndent = indent): string[] {
  const lines: string[] = [];
  let line = '';
  let pad = firstIndent;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line !== '' && pad + line.length + 1 + word.length > width) {
      lines.push(' '.repeat(pad) + line);
      line = word;
      pad = indent;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  lines.push(' '.repeat(pad) + line);
  return lines;
}

function optionLabel(name: string, d: OptionDoc): string {
  const long = `--${name}${d.type === 'string' ? ` ${d.arg ?? 'VALUE'}` : ''}`;
  return d.short ? `-${d.short}, ${long}` : long;
}

function optionLines(docs: OptionDocs, width: number): string[] {
  const entries = Object.entries(docs);
  const labels = entries.map(([name, d]) => optionLabel(name, d));
  const col = Math.min(26, Math.max(...labels.map((l) => l.length)) + 4);
  const lines: string[] = [];
  entries.forEach(([, d], i) => {
    const label = `  ${labels[i]}`;
    const text = `${d.help}${d.default ? ` (default: ${d.default})` : ''}`;
    if (label.length + 2 > col) {
      lines.push(label, ...wrap(text, width, col));
    } else {
      const body = wrap(text, width, col);
      lines.push(label.padEnd(col) + (body[0] ?? '').slice(col), ...body.slice(1));
    }
  });
  return lines;
}

/** The whole help of one command: usage, summary, its options, the global ones, examples. */
export function commandHelp(c: Command, width: number): string {
  const lines = [...wrap(`usage: claimboard ${c.usage}`, width, 6, 0), '', ...wrap(c.summary, width, 2)];
  if (c.options && Object.keys(c.options).length > 0) lines.push('', 'Options:', ...optionLines(c.options, width));
  lines.push('', 'Global options:', ...optionLines(GLOBAL_OPTIONS, width));
  if (c.examples.length > 0) {
    lines.push('', 'Examples:');
    for (const e of c.examples) lines.push(...wrap(`claimboard ${e}`, width, 4, 2));
  }
  return lines.join('\n');
}

/** How far apart two words are in typing: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/**
 * The option a person probably meant by `typed` (`-v` → `--version`, `--forse` → `--force`), or
 * undefined when nothing is close.
 */
export function suggestOption(typed: string, docs: OptionDocs): string | undefined {
  const bare = typed.replace(/^-+/, '').split('=')[0] ?? '';
  if (bare === '') return undefined;
  const names = Object.keys(docs);
  const byShort = names.find((n) => docs[n]?.short === bare);
  if (byShort) return `--${byShort}`;
  const prefixed = names.filter((n) => n.startsWith(bare));
  if (prefixed.length === 1) return `--${prefixed[0]}`;
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const n of names) {
    const d = editDistance(bare, n);
    if (d < bestDistance) {
      best = n;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(bare.length / 3)) ? `--${best}` : undefined;
}
