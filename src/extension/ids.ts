// Every id the extension shares with its manifest, written once. test/unit/extension-ids.test.ts
// holds package.json to these tables (commands, menus, views, colours, tree item context values),
// so a renamed command cannot leave a dead menu entry behind.

/** Commands the extension registers. */
export const COMMANDS = {
  claimPath: 'claimboard.claimPath',
  releasePath: 'claimboard.releasePath',
  claim: 'claimboard.claim',
  release: 'claimboard.release',
  releaseAll: 'claimboard.releaseAll',
  renew: 'claimboard.renew',
  openBoard: 'claimboard.openBoard',
  createBoard: 'claimboard.createBoard',
  chooseBoard: 'claimboard.chooseBoard',
  showOnBoard: 'claimboard.showOnBoard',
  addNote: 'claimboard.addNote',
  removeNote: 'claimboard.removeNote',
  askHolder: 'claimboard.askHolder',
  showRecap: 'claimboard.showRecap',
  setMattermostToken: 'claimboard.setMattermostToken',
  showClaims: 'claimboard.showClaims',
  revealClaim: 'claimboard.revealClaim',
  removeSelected: 'claimboard.removeSelected',
  refresh: 'claimboard.refresh',
  showLog: 'claimboard.showLog',
  makeReadOnly: 'claimboard.makeReadOnly',
  stopWaiting: 'claimboard.stopWaiting',
  answerYes: 'claimboard.answerYes',
  answerNo: 'claimboard.answerNo',
  answerReply: 'claimboard.answerReply',
} as const;
export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** Theme colours the extension contributes. */
export const COLORS = {
  heldByOther: 'claimboard.heldByOther',
  heldByMe: 'claimboard.heldByMe',
  containsClaims: 'claimboard.containsClaims',
} as const;

/** Views the extension contributes. */
export const VIEWS = {
  claims: 'claimboard.claims',
} as const;

/** `contextValue`s of Claims view items, matched by `viewItem` in the manifest's menus. */
export const VIEW_ITEMS = {
  session: 'session',
  sessionMine: 'session.mine',
  claimMine: 'claim.mine',
  claimOther: 'claim.other',
  claimExpired: 'claim.expired',
  groupExpired: 'group.expired',
  groupReleases: 'group.releases',
  groupNotes: 'group.notes',
  groupProblems: 'group.problems',
  groupWaiting: 'group.waiting',
  groupQuestions: 'group.questions',
  question: 'question',
  questionsNeedToken: 'questions.needToken',
  waiting: 'waiting',
  release: 'release',
  note: 'note',
  problem: 'problem',
} as const;

/** Context keys the extension sets for `when` clauses, and the values it gives them. */
export const CONTEXT_KEYS = {
  /** Who holds the file in the active editor: `other`, `mine`, or `free` (also off disk). */
  activeFileClaim: 'claimboard.activeFileClaim',
  /** The file in the active editor was made read-only by claimboard (VS Code's own key does not follow a change in session). */
  activeFileReadOnly: 'claimboard.activeFileReadOnly',
  /** Paths (fsPath → true) someone else holds, or folders with their claims inside: `resourcePath in …` in the Explorer and tab menus. */
  heldByOther: 'claimboard.heldByOther',
  /** Paths (fsPath → true) only you hold. */
  heldByMe: 'claimboard.heldByMe',
  /** There is no board file at the board path (the Claims view's welcome offers Create Board and Choose Board…). */
  noBoard: 'claimboard.noBoard',
  /** The board is there and the Claims view has no row (its welcome says so, and only then). */
  noClaims: 'claimboard.noClaims',
} as const;

/** The status bar item's id (its entry in the status bar's context menu). */
export const STATUS_ITEM = 'claimboard.status';
