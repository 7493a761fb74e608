/**
 * The separator between the fields of a board line, and of the announcements that keep the
 * seed's form (`[session-a] CLAIM <path> — eta 30min`). The tool writes an em dash; people type
 * an en dash or a double hyphen too, and all three read as the separator.
 */

/** The separator as the tool writes it. Names and paths may not contain it. */
export const SEP = ' — ';

/** The dashes that separate fields: the em dash the tool writes, an en dash, a double hyphen. */
export const EM_DASH = '—';
export const EN_DASH = '–';
const DOUBLE_HYPHEN = '--';

/** Any of the dashes, as a regular expression source. */
export const DASH = `(?:${EM_DASH}|${EN_DASH}|${DOUBLE_HYPHEN})`;

/** A separator in any of its typed forms, with the spaces around it. */
export const SEP_RE = new RegExp(`\\s+${DASH}\\s+`);

/** A separator with one space either side, as `search` finds the end of a field. */
export const SPACED_DASH_RE = new RegExp(`\\s${DASH}\\s`);

/**
 * A separator other than the tool's (an en dash anywhere, a spaced double hyphen): a line
 * without one splits on the em dash alone, which keeps the hook's cold start cheap.
 */
export const TYPED_SEP_RE = new RegExp(`${EN_DASH}|\\s${DOUBLE_HYPHEN}\\s`);

/** True when `text` holds a separator in any form and so would split a line's field. */
export function holdsSeparator(text: string): boolean {
  return text.includes(EM_DASH) || SPACED_DASH_RE.test(text);
}
