/**
 * The one reading of a person's answer: a reply in a question's thread or a reaction on it is a
 * `yes`, a `no`, or `other` (passed on as text). Every reader (`ask --wait`, the listener, VS
 * Code) calls these, so a word never means yes to one of them and nothing to another.
 */

export type Decision = 'yes' | 'no' | 'other';

/** First words that say yes / no, in any case, with anything after them. */
const YES = ['yes', 'ok', 'okay', 'go ahead', 'interrupt', 'take it', ':+1:', ':thumbsup:', '👍'];
const NO = ['no', 'wait', 'not now', ':-1:', ':thumbsdown:', '👎'];

/** Reactions that decide; any other emoji decides nothing. */
const YES_EMOJI = new Set(['+1', 'thumbsup']);
const NO_EMOJI = new Set(['-1', 'thumbsdown']);

function startsWithWord(text: string, word: string): boolean {
  if (!text.startsWith(word)) return false;
  const next = text.charAt(word.length);
  // "no" must not read "nothing" or "nope, …" as no; "ok." and "yes!" are still words.
  return next === '' || !/[\p{L}\p{N}_]/u.test(next) || !/[\p{L}\p{N}]$/u.test(word);
}

/**
 * `yes` / `ok` / `go ahead` / `interrupt` / `take it` → yes; `no` / `wait` / `not now` → no;
 * anything else → other. Leading mentions (`@session-b yes`) and spaces are skipped.
 */
export function parseDecision(text: string): Decision {
  const t = text
    .normalize('NFKC')
    .trim()
    .replace(/^(?:@[\w.-]+[\s,:]*)+/u, '')
    .trim()
    .toLowerCase();
  // "not now" before "no": both start with "no", only the longer is a whole phrase.
  for (const w of [...NO].sort((a, b) => b.length - a.length)) if (startsWithWord(t, w)) return 'no';
  for (const w of [...YES].sort((a, b) => b.length - a.length)) if (startsWithWord(t, w)) return 'yes';
  return 'other';
}

/** `+1`/`thumbsup` → yes, `-1`/`thumbsdown` → no (skin tones too: `+1_tone2`); other emoji decide nothing. */
export function reactionDecision(emojiName: string): 'yes' | 'no' | undefined {
  const base = emojiName.toLowerCase().replace(/_tone\d$/, '');
  if (YES_EMOJI.has(base)) return 'yes';
  if (NO_EMOJI.has(base)) return 'no';
  return undefined;
}

/** Usernames compared as Mattermost does: without case, without a leading `@`. */
export function normalizeUsername(name: string): string {
  return name.trim().replace(/^@/, '').toLowerCase();
}
