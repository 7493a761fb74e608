import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { InputError, formatClock, parseEta } from '../core/duration';
import { resolvePathKey } from '../core/path-key';
import type { Claim } from '../core/model';
import type { BoardModel, ClaimResult, Conflict } from './board-model';
import { ChatNotConfiguredError, type ChatController } from './chat';
import { claimSummary, when } from './claim-text';
import type { ClaimsNode } from './claims-view';
import type { Settings } from './config';
import type { PathKeys } from './path-keys';
import { EtaPrompt } from './eta-prompt';
import type { WaitQueue } from './wait-queue';

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

/** The last refusal shown, for tests. */
export interface Refusal {
  message: string;
  conflicts: Conflict[];
}

/** A done action is confirmed in the status bar, not a notification: gone after a few seconds. */
const CONFIRMATION_MS = 4000;

const WAIT = 'Wait for It';
const SET_TOKEN = 'Set Mattermost Token';
const OPEN_SETTINGS = 'Open Settings';
const ASK = 'Ask in Mattermost';

function isOptions(x: unknown): x is CommandOptions {
  if (typeof x !== 'object' || x === null || Array.isArray(x) || x instanceof vscode.Uri) return false;
  return ['eta', 'reason', 'interactive', 'message', 'wait'].some((k) => k in x);
}

function isNode(x: unknown): x is ClaimsNode {
  return typeof x === 'object' && x !== null && 'kind' in x && typeof (x as { kind: unknown }).kind === 'string';
}

function isClaim(x: unknown): x is Claim {
  return typeof x === 'object' && x !== null && 'session' in x && 'path' in x && 'expires' in x;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Every command of the extension. Each accepts what its menus pass (a URI and the selected
 * URIs, a Claims view node) and also plain values plus a trailing `CommandOptions`, so tests
 * and other commands drive it without prompts.
 */
export class CommandsController implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private lastRefusal: Refusal | undefined;
  private readonly etaPrompt = new EtaPrompt();

  constructor(
    private readonly model: BoardModel,
    private readonly keys: PathKeys,
    private readonly settings: Settings,
    private readonly chat: ChatController,
    private readonly waits: WaitQueue,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const reg = (id: string, fn: (...args: unknown[]) => unknown): void => {
      this.subscriptions.push(
        vscode.commands.registerCommand(id, async (...args: unknown[]) => {
          try {
            return await fn(...args);
          } catch (err) {
            const text = errorText(err);
            this.log.error(`${id}: ${text}`);
            if (err instanceof ChatNotConfiguredError) {
              void vscode.window.showErrorMessage(`Claimboard: ${text}`, SET_TOKEN, OPEN_SETTINGS).then((choice) => {
                if (choice === SET_TOKEN) void vscode.commands.executeCommand('claimboard.setMattermostToken');
                else if (choice === OPEN_SETTINGS) void vscode.commands.executeCommand('workbench.action.openSettings', 'claimboard.mattermost');
              });
            } else {
              void vscode.window.showErrorMessage(`Claimboard: ${text}`);
            }
            return undefined;
          }
        }),
      );
    };
    reg('claimboard.claimPath', (...a) => this.claim(a));
    reg('claimboard.claim', (...a) => this.claim(a, true));
    reg('claimboard.releasePath', (...a) => this.release(a));
    reg('claimboard.release', (...a) => this.release(a, true));
    reg('claimboard.releaseAll', () => this.releaseAll());
    reg('claimboard.renew', () => this.renew());
    reg('claimboard.openBoard', (line) => this.openBoard(typeof line === 'number' ? line : undefined));
    reg('claimboard.addNote', (text) => this.addNote(typeof text === 'string' ? text : undefined));
    reg('claimboard.removeNote', (node) => this.removeNote(node));
    reg('claimboard.askHolder', (...a) => this.askHolder(a));
    reg('claimboard.showRecap', () => this.showRecap());
    reg('claimboard.setMattermostToken', (kind, value) => this.setToken(kind, value));
    reg('claimboard.showClaims', () => this.showClaims());
    reg('claimboard.revealClaim', (x) => this.reveal(x));
    reg('claimboard.refresh', () => this.model.refresh());
    reg('claimboard.showLog', () => this.log.show());
  }

  get refusal(): Refusal | undefined {
    return this.lastRefusal;
  }

  /** Title of the ETA prompt while it is open (tests answer it), else undefined. */
  get openEtaPrompt(): string | undefined {
    return this.etaPrompt.openTitle;
  }

  // ---- arguments -------------------------------------------------------------------------

  private options(args: unknown[]): CommandOptions {
    return (args.find(isOptions) as CommandOptions | undefined) ?? {};
  }

  /** Path keys named by the arguments: explorer multi-selection, one URI, a node, a string. */
  private targetKeys(args: unknown[]): string[] {
    const [first, second] = args;
    if (Array.isArray(second) && second.length > 0 && second.every((u) => u instanceof vscode.Uri)) {
      return this.uniqueKeys(second as vscode.Uri[]);
    }
    if (Array.isArray(first)) return first.flatMap((x) => this.targetKeys([x]));
    if (first instanceof vscode.Uri) return this.uniqueKeys([first]);
    if (isNode(first) && first.kind === 'claim') return [first.claim.path];
    if (isClaim(first)) return [first.path];
    if (typeof first === 'string' && first.trim() !== '') {
      const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
      return [resolvePathKey(first, cwd)];
    }
    return [];
  }

  private uniqueKeys(uris: vscode.Uri[]): string[] {
    const keys = uris.map((u) => this.keys.keyFor(u));
    if (keys.some((k) => k === undefined)) throw new InputError('only files on disk can be claimed');
    return [...new Set(keys as string[])];
  }

  private activeKey(): string | undefined {
    const uri = vscode.window.activeTextEditor?.document.uri;
    return uri ? this.keys.keyFor(uri) : undefined;
  }

  private requireTrust(): void {
    if (!vscode.workspace.isTrusted) throw new InputError('claiming and releasing need a trusted workspace');
  }

  // ---- claim / release -------------------------------------------------------------------

  async claim(args: unknown[], fromPalette = false): Promise<ClaimResult | undefined> {
    this.requireTrust();
    const opts = this.options(args);
    const interactive = opts.interactive !== false;
    let keys = this.targetKeys(args);
    if (keys.length === 0) {
      const active = this.activeKey();
      if (fromPalette && interactive) {
        const typed = await vscode.window.showInputBox({
          title: 'Claim a path',
          prompt: 'Path key or glob on the board (`repo/src/**`), a path in the workspace, or a resource (`infra:prod`)',
          value: active ?? '',
          ignoreFocusOut: true,
        });
        if (!typed) return undefined;
        keys = this.targetKeys([typed]);
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
        void vscode.commands.executeCommand('claimboard.askHolder', first.holder);
      }
    });
  }

  async release(args: unknown[], fromPalette = false): Promise<Claim[] | undefined> {
    this.requireTrust();
    const opts = this.options(args);
    let keys = this.targetKeys(args);
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
      const active = this.activeKey();
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
    this.requireTrust();
    const { released } = await this.model.release('all');
    vscode.window.setStatusBarMessage(`$(unlock) Released ${released.length} claim${released.length === 1 ? '' : 's'}`, CONFIRMATION_MS);
    this.log.info(`released all: ${released.length}`);
    return released;
  }

  async renew(): Promise<Claim[]> {
    this.requireTrust();
    const renewed = await this.model.renew();
    vscode.window.setStatusBarMessage(`$(history) Renewed ${renewed.length} claim${renewed.length === 1 ? '' : 's'}`, CONFIRMATION_MS);
    return renewed;
  }

  // ---- board and notes -------------------------------------------------------------------

  async openBoard(line?: number): Promise<void> {
    const board = this.model.boardPath;
    if (!fs.existsSync(board)) {
      void vscode.window.showInformationMessage(`There is no board yet at ${board}: the first claim creates it.`);
      return;
    }
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(board));
    const at = line !== undefined && line > 0 ? new vscode.Position(Math.min(line - 1, doc.lineCount - 1), 0) : undefined;
    await vscode.window.showTextDocument(doc, at ? { selection: new vscode.Range(at, at) } : {});
  }

  async addNote(text?: string): Promise<void> {
    this.requireTrust();
    const note =
      text ??
      (await vscode.window.showInputBox({ title: 'Add a pinned note to the board', prompt: 'One line every session will see', ignoreFocusOut: true }));
    if (!note) return;
    await this.model.addNote(note);
  }

  async removeNote(node: unknown): Promise<void> {
    this.requireTrust();
    let index: number | undefined;
    if (isNode(node) && node.kind === 'note') index = node.index + 1;
    else if (typeof node === 'number') index = node;
    else {
      const notes = this.model.view.notes;
      const picked = await vscode.window.showQuickPick(notes.map((n, i) => ({ label: n.text, i })), { title: 'Remove which pinned note?' });
      if (!picked) return;
      index = picked.i + 1;
    }
    await this.model.removeNote(index);
  }

  // ---- Mattermost ------------------------------------------------------------------------

  async askHolder(args: unknown[]): Promise<string | undefined> {
    const opts = this.options(args);
    const [first] = args;
    let holder: Claim | undefined;
    if (isClaim(first)) holder = first;
    else if (isNode(first) && first.kind === 'claim') holder = first.claim;
    else {
      const keys = first === undefined ? [this.activeKey()].filter((k): k is string => !!k) : this.targetKeys(args);
      holder = keys.flatMap((k) => this.model.covering(k)).find((c) => !this.model.isMine(c));
      if (!holder && opts.interactive !== false) {
        const others = this.model.view.claims.filter((c) => !this.model.isMine(c));
        if (others.length === 0) {
          void vscode.window.showInformationMessage('Nobody else holds a claim.');
          return undefined;
        }
        const picked = await vscode.window.showQuickPick(others.map((c) => ({ label: c.path, description: c.session, claim: c })), {
          title: 'Ask which holder?',
        });
        holder = picked?.claim;
      }
    }
    if (!holder) return undefined;
    const message =
      opts.message ??
      (opts.interactive === false
        ? undefined
        : await vscode.window.showInputBox({ title: `Ask ${holder.session} about ${holder.path}`, prompt: 'What you need (optional)', ignoreFocusOut: true }));
    const r = await this.chat.ask(holder, message || undefined);
    const text = r.error ? `Question queued; Mattermost said: ${r.error}` : `Asked ${holder.session} in Mattermost.`;
    vscode.window.setStatusBarMessage(`$(comment-discussion) ${text}`, CONFIRMATION_MS);
    return text;
  }

  async showRecap(): Promise<string> {
    const text = await this.chat.recap();
    const doc = await vscode.workspace.openTextDocument({ content: text, language: 'plaintext' });
    await vscode.window.showTextDocument(doc, { preview: true });
    return text;
  }

  async setToken(kindArg: unknown, valueArg: unknown): Promise<void> {
    this.requireTrust();
    let kind: 'token' | 'webhook' | undefined = kindArg === 'token' || kindArg === 'webhook' ? kindArg : undefined;
    if (!kind) {
      const picked = await vscode.window.showQuickPick(
        [
          { label: 'Personal access or bot token', description: 'with claimboard.mattermost.serverUrl and channel', secret: 'token' as const },
          { label: 'Incoming webhook URL', description: 'posts only; no recap from the channel', secret: 'webhook' as const },
        ],
        { title: 'How does claimboard post to Mattermost?' },
      );
      kind = picked?.secret;
    }
    if (!kind) return;
    const value =
      typeof valueArg === 'string'
        ? valueArg
        : await vscode.window.showInputBox({
            title: kind === 'token' ? 'Mattermost token' : 'Mattermost incoming webhook URL',
            prompt: 'Kept in VS Code secret storage, never in settings. Empty removes it.',
            password: true,
            ignoreFocusOut: true,
          });
    if (value === undefined) return;
    await this.chat.storeSecret(kind, value.trim());
    vscode.window.setStatusBarMessage(`$(key) Mattermost ${kind} ${value.trim() ? 'saved' : 'removed'}`, CONFIRMATION_MS);
  }

  // ---- status bar quick pick and reveal ----------------------------------------------------

  async showClaims(): Promise<void> {
    const claims = this.model.view.claims;
    if (claims.length === 0) {
      const choice = await vscode.window.showInformationMessage('No live claims on the board.', 'Claim…', 'Open Board');
      if (choice === 'Claim…') await vscode.commands.executeCommand('claimboard.claim');
      else if (choice === 'Open Board') await this.openBoard();
      return;
    }
    const picked = await vscode.window.showQuickPick(
      claims.map((c) => ({
        label: `${this.model.isMine(c) ? '$(pass)' : '$(lock)'} ${c.path}`,
        description: `${c.session}${c.eta ? ` · eta ${when(c.eta)}` : ''}`,
        detail: c.reason,
        claim: c,
      })),
      { title: 'Claims on the board', matchOnDescription: true },
    );
    if (!picked) return;
    const c = picked.claim;
    const mine = this.model.isMine(c);
    const action = await vscode.window.showQuickPick(
      [
        { label: '$(go-to-file) Reveal', id: 'reveal' },
        mine ? { label: '$(unlock) Release', id: 'release' } : { label: '$(comment-discussion) Ask in Mattermost', id: 'ask' },
        { label: '$(book) Show on Board', id: 'board' },
      ],
      { title: c.path },
    );
    if (action?.id === 'reveal') await this.reveal(c);
    else if (action?.id === 'release') await this.release([c]);
    else if (action?.id === 'ask') await this.askHolder([c]);
    else if (action?.id === 'board') await this.openBoard(c.line);
  }

  async reveal(x: unknown): Promise<void> {
    const claim = isClaim(x) ? x : isNode(x) && x.kind === 'claim' ? x.claim : undefined;
    if (!claim) return;
    const where = this.keys.pathForKey(claim.path);
    if (where && fs.existsSync(where)) {
      const uri = vscode.Uri.file(where);
      if (fs.statSync(where).isDirectory()) await vscode.commands.executeCommand('revealInExplorer', uri);
      else await vscode.window.showTextDocument(uri, { preview: true });
      return;
    }
    await this.openBoard(claim.line);
  }

  dispose(): void {
    for (const d of this.subscriptions.reverse()) d.dispose();
  }
}
