import * as vscode from 'vscode';
import { ClaimService } from '../core/claim-service';
import { fileKeyAndRepo, parseRepoNaming, useRepoNaming } from '../core/path-key';
import { DEFAULT_TTL_MS, parseLeaseDuration } from '../core/duration';
import type { ClaimboardApi } from './api';
import type { ClaimboardTestApi } from './test-api';
import { BoardModel } from './board-model';
import { ChatController } from './chat';
import { ClaimsViewController } from './claims-view';
import { CommandsController } from './commands';
import { Settings } from './config';
import { DecorationController } from './decorations';
import { GutterController } from './gutter';
import { HeartbeatController } from './heartbeat';
import { HeldEditsController } from './held-edits';
import { ReadOnlyFiles } from './read-only';
import { IdentityNoticeController } from './identity-notice';
import { MenuContextController } from './menu-context';
import { BoardProblemsController } from './board-problems';
import { OpenWarningController } from './open-warning';
import { PathKeys } from './path-keys';
import { QuestionsController } from './questions';
import { StatusBarController } from './status-bar';
import { WaitQueue } from './wait-queue';
import { SharedStoreWatch } from './store-watch';
import { chooseStore, type StoreChoice } from '../core/claim-store';

/**
 * Builds every service and controller once, in dependency order, and disposes them in reverse.
 * `activate()` only creates this; nothing else holds long-lived state.
 */
export class Container implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  readonly api: ClaimboardApi;
  readonly testApi: ClaimboardTestApi;

  constructor(context: vscode.ExtensionContext) {
    const own = <T extends vscode.Disposable>(d: T): T => {
      this.disposables.push(d);
      return d;
    };
    const log = own(vscode.window.createOutputChannel('Claimboard', { log: true }));
    const settings = own(new Settings());
    const identity = own(new IdentityNoticeController(settings, log));
    const ttlMs = (): number => {
      try {
        return parseLeaseDuration(settings.value.ttl, 'claimboard.defaultTtl');
      } catch (e) {
        log.warn(`${(e as Error).message}; using 60m`);
        return DEFAULT_TTL_MS;
      }
    };

    // The announcer lives in the chat controller, built after the model that feeds it events.
    const builtLater: { chat?: ChatController } = {};
    const model = own(new BoardModel(settings, (boardPath, ttl) => new ClaimService({ boardPath, ttlMs: ttl, onEvents: (events) => builtLater.chat?.announce(events) }), ttlMs, log));
    const chat = own(
      new ChatController(
        () => model.boardPath,
        () => model.session,
        settings,
        context.secrets,
        log,
        model.onDidChange,
      ),
    );
    builtLater.chat = chat;
    // Over a shared store the board file is this machine's view of it, kept current from the database.
    let store: StoreChoice = { kind: 'file' };
    try {
      store = chooseStore(process.env);
    } catch (e) {
      log.warn(`${(e as Error).message}; using the board file`);
    }
    if (store.kind === 'postgres') {
      const watch = own(new SharedStoreWatch(store, () => model.boardPath, log));
      own(model.onDidChange(() => watch.poke()));
      watch.start();
    }
    // Repositories are named in keys as the CLI and the hooks name them (CLAIMBOARD_REPO_NAMES;
    // over a shared store, by their origin remote unless it says otherwise).
    try {
      const naming = process.env.CLAIMBOARD_REPO_NAMES?.trim();
      useRepoNaming(naming ? parseRepoNaming(naming) : store.kind === 'postgres' ? 'remote' : 'folder');
    } catch (e) {
      log.warn(`${(e as Error).message}; using folder names`);
    }
    const keys = new PathKeys(fileKeyAndRepo);
    const label = (key: string): string =>
      keys.shortLabel(
        key,
        (vscode.workspace.workspaceFolders ?? []).map((f) => (f.uri.scheme === 'file' ? f.uri.fsPath : f.uri.toString())),
      );
    own(vscode.workspace.onDidChangeWorkspaceFolders(() => keys.clear()));

    const decorations = own(new DecorationController(model, keys, settings));
    const gutter = own(new GutterController(model, keys, context.extensionUri));
    const readOnly = own(new ReadOnlyFiles(model, keys, log));
    const edits = own(new HeldEditsController(model, keys, chat, readOnly, log));
    const warnings = own(new OpenWarningController(model, keys, settings, chat, readOnly, log));
    const waits = own(new WaitQueue(model, log));
    const statusBar = own(new StatusBarController(model, chat, edits, waits));
    const questions = own(new QuestionsController(model, chat, log));
    const tree = own(new ClaimsViewController(model, waits, settings, label, log, questions));
    const commands = own(new CommandsController(model, keys, settings, chat, waits, label, log));
    const menus = own(new MenuContextController(model, keys));
    const problems = own(new BoardProblemsController(model));
    const heartbeat = own(new HeartbeatController(model, settings, log));

    log.info(`board ${model.boardPath}, you are ${model.session}`);

    this.api = {
      version: 1,
      get boardPath() {
        return model.boardPath;
      },
      get sessionName() {
        return model.session;
      },
      board: () => model.view,
      onDidChangeBoard: model.onDidChange,
      keyFor: (uri) => keys.keyFor(uri),
    };
    this.testApi = {
      activationMs: 0,
      get boardPath() {
        return model.boardPath;
      },
      get sessionName() {
        return model.session;
      },
      view: () => model.view,
      reads: () => model.reads,
      refresh: () => model.refresh(),
      nextRead: (timeoutMs = 5000) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            sub.dispose();
            reject(new Error(`the board was not re-read within ${timeoutMs} ms`));
          }, timeoutMs);
          const sub = model.onDidChange(() => {
            clearTimeout(timer);
            sub.dispose();
            resolve();
          });
        }),
      keyFor: (uri) => keys.keyFor(uri),
      decorationFor: (uri) => decorations.decorationFor(uri),
      gutterFor: (uri) => gutter.gutterFor(uri),
      statusBarText: () => statusBar.text,
      statusBarTooltip: () => statusBar.tooltipText,
      statusBarWarning: () => statusBar.warning,
      claimsTreeItems: () => tree.items(),
      claimsViewBadge: () => tree.badge,
      claimsViewDescription: () => tree.description,
      claimsPickLabels: () => commands.pickLabels(),
      lastWarning: () => warnings.lastWarning,
      warningsShown: () => warnings.count,
      lastRefusal: () => commands.refusal,
      etaPrompt: () => commands.openEtaPrompt,
      waitingFor: () => waits.keys,
      freedWhileWaiting: () => waits.freedKeys,
      heartbeats: () => heartbeat.count,
      heartbeat: () => heartbeat.beat(),
      identityNotes: () => identity.shownNotes.map((n) => n.message),
      editWarnings: () => [...edits.shown],
      freedReadOnly: () => [...readOnly.freedFiles],
      questionNotifications: () => [...questions.shown],
      menuClaimOf: (uri) => menus.claimOf(uri.fsPath),
      boardHighlight: () => commands.boardHighlight,
      boardDiagnostics: () => problems.current().map((d) => ({ line: d.range.start.line + 1, message: d.message })),
    };
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) {
      try {
        d.dispose();
      } catch {
        // Keep disposing the rest: one failure must not leak the others.
      }
    }
  }
}
