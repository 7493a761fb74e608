/**
 * Secrets (a token, the id in an incoming-webhook URL) must never reach the board, output, logs
 * or error messages: everything that leaves the announcements layer as text goes through here.
 */

const MASK = '***';

/** Replace every known secret, webhook id and bearer token in `text` with `***`. */
export function maskSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const s of secrets) {
    // Very short strings would mask ordinary words; real tokens and hook ids are 26 characters.
    if (s && s.length >= 4) out = out.split(s).join(MASK);
  }
  return out
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'`]*@/gi, `$1${MASK}@`) // user:password@ in any URL, parsed or not
    .replace(/(\/hooks\/)[^/?#\s"'`]+/gi, `$1${MASK}`)
    .replace(/(bearer\s+)[^\s"'`]+/gi, `$1${MASK}`)
    .replace(/((?:access_)?token=)[^&\s"'`]+/gi, `$1${MASK}`);
}

/** A URL safe to print: the webhook id and any credentials in it masked. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = MASK;
      u.password = '';
    }
    return maskSecrets(u.pathname === '/' && !u.search ? u.origin : u.toString());
  } catch {
    return maskSecrets(url);
  }
}
