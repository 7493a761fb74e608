/**
 * The words every adapter uses when something a session wants is held by another session:
 * the hook's deny reason and the MCP `claim` tool's error are this one text, so Claude reads
 * the same holder, ETA and way out whichever way it reached the board.
 */
import type { Claim } from './model';
import { formatWhen } from './duration';
import { argumentForKey } from './path-key';
import { shellWord } from './shell-word';
import { must } from './errors';

export interface HeldHit {
  /** Board key of what was wanted (`repo/src/a.ts`, `infra:x`): what `claimboard claim` takes. */
  key: string;
  /** The absolute file behind `key`, when known: the claim command names it so it runs from any folder. */
  abs?: string;
  /** The path as the session named it. */
  shown: string;
  /** A command form that writes it (`sed -i`, `>`), when that is how it was reached; absent for an edit or a claim. */
  via?: string;
  holder: Claim;
}

/** Who holds what, until when, and what to do instead (wait, other work, ask the human). */
export function heldReason(hits: readonly HeldHit[], session: string | undefined, now: Date): string {
  const lines: string[] = [];
  for (const { shown, via, holder } of hits.slice(0, 5)) {
    const eta = holder.eta ? `eta ${formatWhen(holder.eta, now)}` : 'no eta given';
    lines.push(`${shown}${via ? ` (written by \`${via}\`)` : ''} is claimed by ${holder.session} (claim: ${holder.path}, ${eta}, lease until ${formatWhen(holder.expires, now)}).`);
  }
  if (hits.length > 5) lines.push(`…and ${hits.length - 5} more held paths.`);
  const first = must(hits[0], 'a held path');
  lines.push(
    `Do not change it now${session ? ` (you are ${session})` : ''}: pick other work, wait for ${first.holder.session} to release it ` +
      `(\`claimboard claim ${shellWord(argumentForKey(first.key, first.abs))} --wait 30m\` waits for it and takes it), or ask the human with ` +
      `\`claimboard ask "I need it for my task" --about ${shellWord(first.shown)}\` (put your reason in the quotes). ` +
      'Only the human may take it over (with `--force`, announced).',
  );
  return lines.join('\n');
}
