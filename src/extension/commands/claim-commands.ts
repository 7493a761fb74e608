import * as vscode from 'vscode';
import { formatClock, parseEta } from '../../core/duration';
import { InputError } from '../../core/errors';
import type { Claim } from '../../core/model';
import type { BoardModel, ClaimResult, Conflict } from '../board-model';
import type { ChatController } from '../chat';
import { heldText, when } from '../claim-text';
import type { Settings } from '../config';
import { askAction, runAskAction } from '../held-edits';
import { EtaPrompt } from '../eta-prompt';
import { COMMANDS } from '../ids';
import type { WaitQueue } from '../wait-queue';
import { parseCommandArgs } from './args';
import { CONFIRMATION_MS, registerCommand } from './register';
import type { CommandTargets } from './targets';

/** The last refusal shown, for tests. */
export interface Refusal {
  message: string;
  conflicts: Conflict[];
}

const WAIT = 'Wait for It';
export const UNDO = 'Undo';

/** Claim, release and renew: the commands that change who holds what. */
export class ClaimCommands implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private lastRefusal: Refusal | undefined;
  private readonly etaPrompt = new EtaPrompt();

  constructor(
    private readonly model: BoardModel,
    private readonly targets: CommandTargets,
    private readonly settings: Settings,
    private readonly waits: WaitQueue,
    private readonly chat: ChatController,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      registerCommand(COMMANDS.claimPath, (...a) => this.claim(a), log),
      registerCommand(COMMANDS.claim, (...a) => this.claim(a, true), log),
      registerCommand(COMMANDS.releasePath, (...a) => this.release(a), log),
      registerCommand(COMMANDS.release, (...a) => this.release(a, true), log),
      registerCommand(COMMANDS.releaseAll, (...a) => this.releaseAll(a), log),
      registerCommand(COMMANDS.renew, () => this.renew(), log),
      registerCommand(COMMANDS.stopWaiting, (x) => this.stopWaiting(x), log),
    );
  }

  get refusal(): Refusal | undefined {
    return this.lastRefusal;
  }

  /** Title of the ETA prompt while it is open (tests answer it), else undefined. */
  get openEtaPrompt(): string | undefined {
    return this.etaPrompt.openTitle ?? this.reasonPromptTitle;
  }

  private reasonPromptTitle: string | undefined;

  /** The optional reason: other sessions see it next to the claim, as they see Claude's. */
  private async askReason(keys: string[]): Promise<string | undefined> {
    const title = `Claim ${keys.length === 1 ? keys[0] : `${keys.length} paths`}: reason (optional)`;
    this.reasonPromptTitle = title;
    try {
      return await vscode.window.showInputBox({
        title,
        prompt: 'What you are doing, in a few words: other sessions see it. Enter to skip, Escape to cancel the claim.',
        placeHolder: 'e.g. fixing the date rounding',
        ignoreFocusOut: true,
      });
    } finally {
      this.reasonPromptTitle = undefined;
    }
  }

  async claim(args: unknown[], fromPalette = false): Promise<ClaimResult | undefined> {
    this.targets.requireTrust();
    const { targets, options: opts } = parseCommandArgs(args);
    const interactive = opts.interactive !== false;
    let keys = this.targets.keysOf(targets);
    if (keys.length === 0) {
      const active = this.targets.activeKey();
      if (fromPalette && interactive) {
        const typed = await vscode.window.showInputBox({
          title: 'Claim a path',
          prompt: 'Path key or glob on the board (`repo/src/**`), a path in the workspace, or a resource (`infra:prod`)',
          value: active ?? '',
          ignoreFocusOut: true,
        });
        if (!typed) return undefined;
        keys = this.targets.keysOf(parseCommandArgs([typed]).targets);
      } else if (active) {
        keys = [active];
      }
    }
    if (keys.length === 0) throw new InputError('nothing to claim: select a file or folder');

    // Someone else holds it: say so before asking anything the claim would then not use.
    const held = this.model.check(keys);
    if (held.length > 0) {
      this.refuse(held, opts.eta, opts.wait === true);
      return { granted: [], renewed: [], conflicts: held, takenOver: [] };
    }
    const s = this.settings.value;
    const prompted = interactive && opts.eta === undefined;
    const etaText = opts.eta ?? (prompted ? await this.etaPrompt.ask(keys, [...new Set([s.defaultEta, ...s.etaSuggestions])]) : s.defaultEta);
    if (etaText === undefined) return undefined;
    const eta = parseEta(etaText, new Date());
    let reason = opts.reason;
    if (reason === undefined && prompted) {
      reason = await this.askReason(keys);
      if (reason === undefined) return undefined;
    }
    const result = await this.model.claim(keys, { eta, ...(reason?.trim() ? { reason: reason.trim() } : {}) });

    if (result.conflicts.length > 0) {
      // Taken between the check and the claim.
      this.refuse(result.conflicts, etaText, opts.wait === true);
      return result;
    }
    const n = result.granted.length + result.renewed.length;
    this.log.info(`claimed ${keys.join(', ')} until ${formatClock(eta)}`);
    vscode.window.setStatusBarMessage(`$(lock) Claimed ${n === 1 ? keys[0] : `${n} paths`} — eta ${formatClock(eta)}`, CONFIRMATION_MS);
    return result;
  }

  private refuse(conflicts: Conflict[], etaText: string | undefined, waitNow: boolean): void {
    const first = conflicts[0];
    if (!first) return;
    const more = conflicts.length > 1 ? ` (and ${conflicts.length - 1} more held path${conflicts.length === 2 ? '' : 's'})` : '';
    // Worded as the open warning is, with what the holder said they are doing.
    const message = `${heldText(first.path, first.holder)}${first.holder.path !== first.path ? ` (their claim: ${first.holder.path})` : ''}${more}.`;
    this.lastRefusal = { message, conflicts };
    this.log.info(message);
    const wait = (): void => {
      this.waits.add([...new Set(conflicts.map((c) => c.path))], etaText);
      vscode.window.setStatusBarMessage(`$(watch) Waiting for ${first.path}: you will be told when it is free`, CONFIRMATION_MS);
    };
    if (waitNow) {
      wait();
      return;
    }
    // Not awaited: the command returns now; the person's choice is handled when it comes.
    void vscode.window.showWarningMessage(message, WAIT, askAction(this.chat)).then(async (choice) => {
      if (choice === WAIT) wait();
      else await runAskAction(choice, first.holder);
    });
  }

  async release(args: unknown[], fromPalette = false): Promise<Claim[] | undefined> {
    this.targets.requireTrust();
    const { targets, options: opts } = parseCommandArgs(args);
    let keys = this.targets.keysOf(targets);
    const mine = this.model.view.claims.filter((c) => this.model.isMine(c));
    if (keys.length === 0 && fromPalette && opts.interactive !== false) {
      if (mine.length === 0) {
        void vscode.window.showInformationMessage('You hold no claims.');
        return [];
      }
      const picked = await vscode.window.showQuickPick(
        mine.map((c) => ({ label: c.path, description: c.eta ? `eta ${when(c.eta)}` : '', claim: c })),
        { canPickMany: true, title: 'Release which claims?' },
      );
      if (!picked || picked.length === 0) return undefined;
      keys = picked.map((p) => p.claim.path);
    }
    if (keys.length === 0) {
      const active = this.targets.activeKey();
      if (active) keys = [active];
    }
    if (keys.length === 0) throw new InputError('nothing to release: select a file or folder');
    // Releasing a file inside a folder you claimed releases that folder's claim.
    const covering = keys.flatMap((k) =>
      this.model
        .covering(k)
        .filter((c) => this.model.isMine(c))
        .map((c) => c.path),
    );
    const { released } = await this.model.release([...new Set([...keys, ...covering])]);
    if (released.length === 0) void vscode.window.showInformationMessage(`You hold no claim on ${keys.join(', ')}.`);
    else vscode.window.setStatusBarMessage(`$(unlock) Released ${released.map((c) => c.path).join(', ')}`, CONFIRMATION_MS);
    this.log.info(`released ${released.map((c) => c.path).join(', ') || 'nothing'}`);
    return released;
  }

  async releaseAll(args: unknown[] = []): Promise<Claim[]> {
    this.targets.requireTrust();
    const { released } = await this.model.release('all');
    this.log.info(`released all: ${released.length}`);
    if (released.length === 0) {
      void vscode.window.showInformationMessage('You hold no claims.');
      return [];
    }
    const text = `Released ${released.length} claim${released.length === 1 ? '' : 's'}`;
    if (parseCommandArgs(args).options.interactive === false) {
      vscode.window.setStatusBarMessage(`$(unlock) ${text}`, CONFIRMATION_MS);
      return released;
    }
    // Every session sees the paths go free at once: the person can take it back (VS Code's test
    // host refuses modal dialogs, and Undo is quicker than a confirmation anyway).
    void vscode.window.showInformationMessage(`${text}: ${released.map((c) => c.path).join(', ')}.`, UNDO).then(async (choice) => {
      if (choice === UNDO) await this.reclaim(released);
    });
    return released;
  }

  /** Undo of Release All: each claim again with its own ETA and reason, unless someone took it meanwhile. */
  private async reclaim(claims: Claim[]): Promise<void> {
    const lost: string[] = [];
    for (const c of claims) {
      const r = await this.model.claim([c.path], { ...(c.eta ? { eta: c.eta } : {}), ...(c.reason ? { reason: c.reason } : {}) });
      if (r.conflicts.length > 0) lost.push(`${c.path} (now ${r.conflicts[0]?.holder.session ?? 'held'})`);
    }
    if (lost.length > 0) void vscode.window.showWarningMessage(`Could not claim again: ${lost.join(', ')}.`);
    else vscode.window.setStatusBarMessage(`$(lock) Claimed ${claims.length} again`, CONFIRMATION_MS);
  }

  /** Stops waiting for a path: the Claims view's node, a key, or one picked from those waited for. */
  async stopWaiting(x: unknown): Promise<string[]> {
    let keys: string[] = [];
    if (typeof x === 'string') keys = [x];
    else if (typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'waiting') keys = [String((x as { key: unknown }).key)];
    else {
      const picked = await vscode.window.showQuickPick(this.waits.keys, { title: 'Stop waiting for which path?', canPickMany: true });
      keys = picked ?? [];
    }
    const stopped = this.waits.cancel(keys);
    if (stopped.length > 0) vscode.window.setStatusBarMessage(`$(close) No longer waiting for ${stopped.join(', ')}`, CONFIRMATION_MS);
    return stopped;
  }

  async renew(): Promise<Claim[]> {
    this.targets.requireTrust();
    const renewed = await this.model.renew();
    vscode.window.setStatusBarMessage(`$(history) Renewed ${renewed.length} claim${renewed.length === 1 ? '' : 's'}`, CONFIRMATION_MS);
    return renewed;
  }

  dispose(): void {
    for (const d of this.subscriptions.reverse()) d.dispose();
  }
}
