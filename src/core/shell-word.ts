/**
 * One word of a POSIX shell command, so that every command the product prints or writes (a deny
 * reason's suggestion, the git hook, the session's environment file, the hook settings) runs
 * exactly as printed.
 */

/**
 * `text` as one shell word that reads back as `text`: bare when it holds only characters no
 * shell treats specially (not even `=`, which makes a first word an assignment), else in single
 * quotes with each `'` written as `'\''`.
 */
export function shellWord(text: string): string {
  return /^[\w./@:+,%-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
