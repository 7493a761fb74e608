import * as vscode from 'vscode';
import type { Claim } from '../../core/model';
import type { ClaimsNode } from '../claims-view';

/** Options a caller (a test, another command) passes instead of answering prompts. */
export interface CommandOptions {
  eta?: string;
  reason?: string;
  /** False: never prompt; take the defaults. */
  interactive?: boolean;
  message?: string;
  /** On conflict, wait for the path as "Wait for It" does, without asking. */
  wait?: boolean;
}

/** One thing a command was pointed at. */
export type CommandTarget = { kind: 'uri'; uri: vscode.Uri } | { kind: 'claim'; claim: Claim } | { kind: 'note'; index: number } | { kind: 'text'; text: string };

/** A command call's arguments, whatever their shape, as one typed value. */
export interface CommandContext {
  /** In the order given; empty when the call named nothing (the palette, a keybinding). */
  targets: CommandTarget[];
  options: CommandOptions;
}

const OPTION_KEYS: readonly (keyof CommandOptions)[] = ['eta', 'reason', 'interactive', 'message', 'wait'];

function isOptions(x: unknown): x is CommandOptions {
  if (typeof x !== 'object' || x === null || Array.isArray(x) || x instanceof vscode.Uri) return false;
  // A claim has a `reason` too: it is a target, never options.
  if (isClaim(x) || isNode(x)) return false;
  return OPTION_KEYS.some((k) => k in x);
}

function isNode(x: unknown): x is ClaimsNode {
  return typeof x === 'object' && x !== null && 'kind' in x && typeof (x as { kind: unknown }).kind === 'string';
}

function isClaim(x: unknown): x is Claim {
  return typeof x === 'object' && x !== null && 'session' in x && 'path' in x && 'expires' in x;
}

function targetOf(x: unknown): CommandTarget[] {
  if (Array.isArray(x)) return x.flatMap(targetOf);
  if (x instanceof vscode.Uri) return [{ kind: 'uri', uri: x }];
  if (isNode(x)) {
    if (x.kind === 'claim') return [{ kind: 'claim', claim: x.claim }];
    if (x.kind === 'note') return [{ kind: 'note', index: x.index + 1 }];
    // A session row stands for its claims (Ask Holder asks about the first).
    if (x.kind === 'session') return x.claims.map((claim) => ({ kind: 'claim', claim }));
    return [];
  }
  if (isClaim(x)) return [{ kind: 'claim', claim: x }];
  if (typeof x === 'string' && x.trim() !== '') return [{ kind: 'text', text: x }];
  return [];
}

/**
 * Turns what VS Code passes a command (the clicked URI and the Explorer's selection, a Claims
 * view node, a claim, typed text, nothing) plus an optional trailing `CommandOptions` into one
 * value, so no command duck-types its arguments.
 */
export function parseCommandArgs(args: readonly unknown[]): CommandContext {
  const options = (args.find(isOptions) as CommandOptions | undefined) ?? {};
  const [first, second] = args;
  // An Explorer context menu passes the clicked URI, then every selected URI.
  if (Array.isArray(second) && second.length > 0 && second.every((u) => u instanceof vscode.Uri)) {
    return { targets: (second as vscode.Uri[]).map((uri) => ({ kind: 'uri', uri })), options };
  }
  return { targets: isOptions(first) ? [] : targetOf(first), options };
}
