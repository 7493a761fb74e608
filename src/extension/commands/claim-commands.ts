import * as vscode from 'vscode';
import { formatClock, parseEta } from '../../core/duration';
import { InputError } from '../../core/errors';
import type { Claim } from '../../core/model';
import type { BoardModel, ClaimResult, Conflict } from '../board-model';
import { claimSummary, when } from '../claim-text';
import type { Settings } from '../config';
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
const ASK = 'Ask in Mattermost';

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
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      registerCommand(COMMANDS.claimPath, (...a) => this.claim(a), log),
      registerCommand(COMMANDS.claim, (...a) => this.claim(a, true), log),
      registerCommand(COMMANDS.releasePath, (...a) => this.release(a), log),
      registerCommand(COMMANDS.release, (...a) => this.release(a, true), log),
      registerCommand(COMMANDS.releaseAll, () => this.releaseAll(), log),
      registerCommand(COMMANDS.renew, () => this.renew(), log),
    );
  }

  get refusal(): Refusal | undefined {
    return this.lastRefusal;
  }

  /** Title of the ETA prompt while it is open (tests answer it), else undefined. */
  get openEtaPrompt(): string | undefined {
    return this.etaPrompt.openTitle;
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

    const s = this.settings.value;
    const etaText = opts.eta ?? (interactive ? await this.etaPrompt.ask(keys, [...new Set([s.defaultEta, ...s.etaSuggestions])]) : s.defaultEta);
    if (etaText === undefined) return undefined;
    const eta = parseEta(etaText, new Date());
    const result = await this.model.claim(keys, { eta, ...(opts.reason ? { reason: opts.reason } : {}) });

    if (result.conflicts.length > 0) {
      this.refuse(result.conflicts, etaText, opts.wait === true);
      return result;
    }
    const n = result.granted.length + result.renewed.length;
    this.log.info(`claimed ${keys.join(', ')} until ${formatClock(eta)}`);
    vscode.window.setStatusBarMessage(`$(lock) Claimed ${n === 1 ? keys[0] : `${n} paths`} — eta ${formatClock(eta)}`, CONFIRMATION_MS);
    return result;
  }

  private refuse(conflicts: Conflict[], etaText: string, waitNow: boolean): void {
    const first = conflicts[0];
    const more = conflicts.length > 1 ? ` (and ${conflicts.length - 1} more conflict${conflicts.length === 2 ? '' : 's'})` : '';
    const message = `Refused: ${first.path} overlaps ${claimSummary(first.holder)}${more}.`;
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
    void vscode.window.showErrorMessage(message, WAIT, ASK).then((choice) => {
      if (choice === WAIT) wait();
      else if (choice === ASK) {
        void vscode.commands.executeCommand(COMMANDS.askHolder, first.holder);
      }
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
    const covering = keys.flatMap((k) => this.model.covering(k).filter((c) => this.model.isMine(c)).map((c) => c.path));
    const { released } = await this.model.release([...new Set([...keys, ...covering])]);
    if (released.length === 0) void vscode.window.showInformationMessage(`You hold no claim on ${keys.join(', ')}.`);
    else vscode.window.setStatusBarMessage(`$(unlock) Released ${released.map((c) => c.path).join(', ')}`, CONFIRMATION_MS);
    this.log.info(`released ${released.map((c) => c.path).join(', ') || 'nothing'}`);
    return released;
  }

  async releaseAll(): Promise<Claim[]> {
    this.targets.requireTrust();
    const { released } = await this.model.release('all');
    vscode.window.setStatusBarMessage(`$(unlock) Released ${released.length} claim${released.length === 1 ? '' : 's'}`, CONFIRMATION_MS);
    this.log.info(`released all: ${released.length}`);
    return released;
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
