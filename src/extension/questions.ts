import * as vscode from 'vscode';
import { answersPath, openQuestions, type OpenQuestion } from '../announce/answers';
import { outboxPaths } from '../announce/outbox';
import { formatDuration } from '../core/duration';
import type { BoardModel } from './board-model';
import { BoardWatcher } from './board-watcher';
import type { ChatController } from './chat';
import { COMMANDS, VIEW_ITEMS } from './ids';
import { CONFIRMATION_MS, registerCommand } from './commands/register';

export const YES = 'Yes';
export const NO = 'No';
export const REPLY = 'Reply…';

/** Nodes of the Claims view's "Questions" group. */
export type QuestionNode = { kind: 'question'; question: OpenQuestion } | { kind: 'questionsNeedToken' };

/** `[session-b] @alice session-a is holding `x` — …` → `session-a is holding `x` — …` (who asks is shown apart). */
export function questionWords(q: Pick<OpenQuestion, 'text'>): string {
  return q.text
    .replace(/^\[[^\]]*\]\s*/, '')
    .replace(/^@[\w.-]+\s+/, '')
    .trim();
}

/**
 * The questions sessions asked the person that nobody has answered yes or no yet, and the
 * person's answers from this window. Where they come from: the files beside the board that the
 * listener and `ask --wait` keep (the journal of this machine's posts, the answers journal), watched
 * like the board. VS Code never reads the channel itself: the listener already does, and a second
 * reader would double the requests for nothing. An answer is posted in the question's thread with
 * the configured token and decided through the same function the listener uses (applied once).
 */
export class QuestionsController implements vscode.Disposable {
  private open: OpenQuestion[] = [];
  private readonly notified = new Set<string>();
  private readonly notices: string[] = [];
  private watchers: BoardWatcher[] = [];
  private watchedBoard = '';
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly model: BoardModel,
    private readonly chat: ChatController,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      registerCommand(COMMANDS.answerYes, (node) => this.answer(node, YES.toLowerCase()), log),
      registerCommand(COMMANDS.answerNo, (node) => this.answer(node, NO.toLowerCase()), log),
      registerCommand(COMMANDS.answerReply, (node, text) => this.reply(node, text), log),
      model.onDidChange(() => this.watch()),
      chat.onDidChange(() => this.refresh()),
    );
    this.watch();
  }

  /** The files live beside the board: follow the board when the setting moves it. */
  private watch(): void {
    const board = this.model.boardPath;
    if (board === this.watchedBoard) return;
    for (const w of this.watchers) w.dispose();
    this.watchedBoard = board;
    this.watchers = [outboxPaths(board).journal, answersPath(board)].map((file) => {
      const w = new BoardWatcher(
        file,
        () => this.refresh(),
        (m) => this.log.debug(m),
      );
      w.start();
      return w;
    });
    this.refresh();
  }

  refresh(): void {
    let open: OpenQuestion[] = [];
    try {
      // The window's own questions (Ask Holder) are the person's, not for them to answer.
      open = this.chat.webhookOnly ? [] : openQuestions(this.model.boardPath, this.chat.journal()).filter((q) => q.session !== this.model.session);
    } catch (err) {
      this.log.warn(`open questions: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.open = open;
    for (const q of open) if (!this.notified.has(q.postId)) this.notify(q);
    this.emitter.fire();
  }

  /** One notification per new question, with the same answers as the view. */
  private notify(q: OpenQuestion): void {
    this.notified.add(q.postId);
    const text = `${q.session} asks: ${questionWords(q)}`;
    this.notices.push(text);
    void vscode.window.showInformationMessage(text, YES, NO, REPLY).then((choice) => {
      if (choice === YES) void vscode.commands.executeCommand(COMMANDS.answerYes, q.postId);
      else if (choice === NO) void vscode.commands.executeCommand(COMMANDS.answerNo, q.postId);
      else if (choice === REPLY) void vscode.commands.executeCommand(COMMANDS.answerReply, q.postId);
    });
  }

  get questions(): readonly OpenQuestion[] {
    return this.open;
  }

  /** The notifications shown, in order (tests). */
  get shown(): readonly string[] {
    return this.notices;
  }

  /** The group shows when a question waits, or when answers cannot come back at all (webhook only). */
  get hasGroup(): boolean {
    return this.open.length > 0 || this.chat.webhookOnly;
  }

  children(): QuestionNode[] {
    if (this.chat.webhookOnly) return [{ kind: 'questionsNeedToken' }];
    return this.open.map((question) => ({ kind: 'question', question }));
  }

  treeItem(node: QuestionNode, now = Date.now()): vscode.TreeItem {
    if (node.kind === 'questionsNeedToken') {
      const item = new vscode.TreeItem('Answers need a Mattermost token', vscode.TreeItemCollapsibleState.None);
      item.description = 'Set up Mattermost…';
      item.tooltip = 'With a webhook only, claimboard can post but not read the channel back: no question can be answered here or reach a session. Set a token to answer from VS Code.';
      item.iconPath = new vscode.ThemeIcon('key');
      item.contextValue = VIEW_ITEMS.questionsNeedToken;
      item.command = { command: COMMANDS.setMattermostToken, title: 'Set up Mattermost…', arguments: ['token'] };
      return item;
    }
    const q = node.question;
    // The path first (as every claim row), then who asks and how long ago: the view is narrow.
    const item = new vscode.TreeItem(q.path ?? questionWords(q), vscode.TreeItemCollapsibleState.None);
    const ago = `${formatDuration(Math.max(0, now - Date.parse(q.at)))} ago`;
    item.description = [`${q.session} asks`, ago, ...(q.holder ? [`held by ${q.holder}`] : [])].join(' · ');
    item.tooltip = `${q.session} asks: ${questionWords(q)}\n\nYes / No decide as a reply from the phone would; Reply… posts your words in the question's thread.`;
    item.iconPath = new vscode.ThemeIcon('question');
    item.contextValue = VIEW_ITEMS.question;
    return item;
  }

  private find(arg: unknown): OpenQuestion {
    const id = typeof arg === 'string' ? arg : (arg as QuestionNode | undefined)?.kind === 'question' ? (arg as { question: OpenQuestion }).question.postId : undefined;
    // Re-read: another window, the phone or the listener may have decided it a moment ago.
    this.refresh();
    const q = this.open.find((x) => x.postId === id) ?? (id === undefined ? undefined : this.asked(id));
    if (!q) throw new Error('that question is not open any more');
    return q;
  }

  /** A question asked here but already decided: answered again, it says who decided. */
  private asked(id: string): OpenQuestion | undefined {
    const j = this.chat.journal().find((x) => x.kind === 'ask' && x.postId === id);
    return j ? { postId: id, session: j.session, path: j.path, text: j.text, at: j.at } : undefined;
  }

  private async reply(arg: unknown, text: unknown): Promise<string | undefined> {
    const q = this.find(arg);
    const words =
      typeof text === 'string'
        ? text
        : await vscode.window.showInputBox({
            title: `Answer ${q.session}`,
            prompt: `${questionWords(q)} (posted in the question's thread; yes or no decides, anything else is passed on)`,
            ignoreFocusOut: true,
          });
    if (!words?.trim()) return undefined;
    return this.answer(q.postId, words.trim());
  }

  async answer(arg: unknown, text: string): Promise<string> {
    const q = this.find(arg);
    const out = await this.chat.answer(q, text, () => this.model);
    let said: string;
    if (out.kind === 'already') said = `@${out.decided.by} already answered ${q.session}: "${out.decided.text}" (${out.decided.decision}).`;
    else if (out.applied?.holds) said = `Answered ${q.session}: ${text}. ${q.path} is handed over to ${q.session}.`;
    else said = `Answered ${q.session}: ${text}.`;
    vscode.window.setStatusBarMessage(`$(comment-discussion) ${said}`, CONFIRMATION_MS);
    this.refresh();
    return said;
  }

  dispose(): void {
    for (const w of this.watchers) w.dispose();
    for (const d of this.subscriptions.reverse()) d.dispose();
    this.emitter.dispose();
  }
}
