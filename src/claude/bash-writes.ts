/**
 * Which files a Bash command would write, so the PreToolUse guard can stop a write through
 * Bash to a path someone else holds (an `Edit|Write` matcher alone misses `sed -i`, `>`, …).
 *
 * Best effort by design: a small shell lexer (quotes, escapes, `$(…)`, here-docs, `&&`/`||`/
 * `;`/`|`, subshells, `cd`) and a table of commands it understands. Anything it does not
 * understand is treated as writing nothing: the guard must never block harmless work because
 * of a parse it got wrong. The recognised forms are listed in docs/hooks.md; keep that list in
 * step with `analyzeSimpleCommand` below.
 */
import * as path from 'node:path';

export interface BashWriteTarget {
  /** Absolute path (may contain glob characters when `glob` is true). */
  path: string;
  /** Everything under `path` is written too (`rm -r`, `cp -r`, `git checkout -- dir`). */
  recursive: boolean;
  /** The path still contains unquoted glob characters (`rm src/*.ts`). */
  glob: boolean;
  /** What writes it, for the deny reason: `>`, `sed -i`, `rm`, `git checkout`, … */
  how: string;
}

/** A git command that writes or stages every changed file of a repository (`git add -A`, `git commit -a`, `git reset --hard`). */
export interface BashRepoWrite {
  /** Directory the git command runs in (after `cd` and `-C`). */
  dir: string;
  how: string;
}

/** A command that changes infrastructure rather than files (`terraform apply`, `kubectl apply`). */
export interface BashInfraWrite {
  tool: string;
  /** Names an `infra:<name>` claim would use: workspace, directory segments, context, namespace. */
  names: string[];
  how: string;
}

export interface BashWriteAnalysis {
  files: BashWriteTarget[];
  repoWide: BashRepoWrite[];
  infra: BashInfraWrite[];
  /** Writes seen whose target could not be known (a `$VAR` path): reported, not guarded. */
  unresolved: string[];
}

export interface BashAnalysisOptions {
  /** Directory the command starts in (the hook's `cwd`). */
  cwd: string;
  /** Variables that may be expanded in paths (`HOME`, `CLAUDE_PROJECT_DIR`); others stay unknown. */
  env?: Record<string, string | undefined>;
  /** Whether an absolute path is an existing directory (`cp a dir/` writes `dir/a`). */
  isDirectory?: (absPath: string) => boolean;
}

interface Word {
  kind: 'word';
  text: string;
  /** Had an unquoted glob character. */
  glob: boolean;
  /** Had an expansion we could not resolve (`$X`, `$(…)`). */
  dynamic: boolean;
  /** Text of `$(…)` / backtick substitutions inside the word: analysed as commands too. */
  subs: string[];
}
interface Op {
  kind: 'op';
  op: string;
}
interface Redir {
  kind: 'redir';
  op: string;
  target?: Word;
}
type Token = Word | Op | Redir;

const NULL_DEVICES = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/tty']);
const MAX_DEPTH = 4;

export function analyzeBashWrites(command: string, options: BashAnalysisOptions): BashWriteAnalysis {
  const out: BashWriteAnalysis = { files: [], repoWide: [], infra: [], unresolved: [] };
  analyze(command, options, out, 0);
  return out;
}

function analyze(command: string, options: BashAnalysisOptions, out: BashWriteAnalysis, depth: number): void {
  if (depth > MAX_DEPTH) return;
  let tokens: Token[];
  try {
    tokens = lex(command, options.env ?? {});
  } catch {
    return; // Unbalanced quotes and the like: not understood, so not guarded.
  }
  const cwdStack: string[] = [];
  let cwd = options.cwd;
  let current: (Word | Redir)[] = [];
  const flush = (): void => {
    if (current.length === 0) return;
    const words = current.filter((t): t is Word => t.kind === 'word');
    for (const w of words) for (const sub of w.subs) analyze(sub, { ...options, cwd }, out, depth + 1);
    for (const t of current) {
      if (t.kind === 'redir' && t.target) {
        for (const sub of t.target.subs) analyze(sub, { ...options, cwd }, out, depth + 1);
        if (isFileRedirect(t)) addFile(out, cwd, t.target, false, t.op, options);
      }
    }
    const next = analyzeSimpleCommand(words, cwd, options, out, depth);
    if (next !== undefined) cwd = next;
    current = [];
  };
  for (const t of tokens) {
    if (t.kind !== 'op') {
      current.push(t);
      continue;
    }
    flush();
    if (t.op === '(') cwdStack.push(cwd);
    else if (t.op === ')') cwd = cwdStack.pop() ?? cwd;
  }
  flush();
}

function isFileRedirect(r: Redir): boolean {
  if (!r.target) return false;
  if (!/>/.test(r.op)) return false; // `<`, `<<`, `<<<` only read.
  // `>&2`, `2>&1`, `>&-`: duplicating a descriptor writes no file.
  if (/>&$/.test(r.op) && /^(\d+|-)$/.test(r.target.text)) return false;
  return !NULL_DEVICES.has(r.target.text) && !r.target.text.startsWith('/dev/fd/');
}

function addFile(out: BashWriteAnalysis, cwd: string, w: Word, recursive: boolean, how: string, options: BashAnalysisOptions): void {
  if (w.dynamic || w.text === '') {
    out.unresolved.push(`${how} ${w.text}`.trim());
    return;
  }
  const abs = resolvePath(cwd, w.text, options);
  if (NULL_DEVICES.has(abs)) return;
  out.files.push({ path: abs, recursive, glob: w.glob, how });
}

function resolvePath(cwd: string, p: string, options: BashAnalysisOptions): string {
  let text = p;
  const home = options.env?.HOME;
  if (home && (text === '~' || text.startsWith('~/'))) text = home + text.slice(1);
  return path.posix.resolve(cwd, text);
}

/** Leading words that run the rest of the line as the real command. */
const WRAPPERS = new Set(['sudo', 'command', 'builtin', 'exec', 'nohup', 'time', 'nice', 'env', 'stdbuf', 'timeout', 'doas']);
/** Shell words that start a compound command but are not themselves commands. */
const KEYWORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}', 'esac']);

/** Returns the new working directory when the command was a `cd`. */
function analyzeSimpleCommand(
  all: Word[],
  cwd: string,
  options: BashAnalysisOptions,
  out: BashWriteAnalysis,
  depth: number,
): string | undefined {
  let words = all;
  // Strip keywords, assignments and wrappers (`sudo -u x`, `env A=1`, `timeout 5`).
  for (;;) {
    const first = words[0];
    if (!first) return undefined;
    if (KEYWORDS.has(first.text)) words = words.slice(1);
    else if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(first.text)) words = words.slice(1);
    else if (WRAPPERS.has(first.text)) {
      words = words.slice(1);
      while (words[0] && (words[0].text.startsWith('-') || /^\d+[smhd]?$/.test(words[0].text))) {
        // `sudo -u user`: the option's argument is the next word.
        const takesArg = ['-u', '-g', '-n', '-s', '-k', '--signal'].includes(words[0].text);
        words = words.slice(takesArg ? 2 : 1);
      }
    } else break;
  }
  const name = path.posix.basename(words[0].text);
  const args = words.slice(1);
  const add = (w: Word, how: string, recursive = false): void => addFile(out, cwd, w, recursive, how, options);

  switch (name) {
    case 'cd': {
      const dest = args.find((a) => !a.text.startsWith('-'));
      if (!dest) return options.env?.HOME ?? cwd;
      return dest.dynamic ? cwd : resolvePath(cwd, dest.text, options);
    }
    case 'for':
    case 'case':
    case 'function':
      return undefined; // `for x in a b` lists words, it writes nothing itself.
    case 'bash':
    case 'sh':
    case 'zsh':
    case 'dash': {
      const i = args.findIndex((a) => a.text === '-c' || /^-[a-z]*c$/.test(a.text));
      if (i >= 0 && args[i + 1]) analyze(args[i + 1].text, { ...options, cwd }, out, depth + 1);
      return undefined;
    }
    case 'tee':
      for (const a of operands(args, [])) add(a, 'tee');
      return undefined;
    case 'touch':
      for (const a of operands(args, ['-d', '-t', '-r', '--date', '--reference'])) add(a, 'touch');
      return undefined;
    case 'truncate':
      for (const a of operands(args, ['-s', '-r', '--size', '--reference'])) add(a, 'truncate');
      return undefined;
    case 'rm':
    case 'shred':
    case 'unlink': {
      const recursive = optionWords(args).some((t) => /^-[a-zA-Z]*[rR]/.test(t) || t === '--recursive');
      for (const a of operands(args, [])) add(a, name, recursive);
      return undefined;
    }
    case 'rmdir':
      for (const a of operands(args, [])) add(a, 'rmdir', true);
      return undefined;
    case 'sed':
    case 'perl':
      analyzeInPlaceEditor(name, args, add);
      return undefined;
    case 'mv':
    case 'cp':
    case 'ln':
    case 'install':
    case 'rsync':
      analyzeCopyLike(name, args, cwd, options, out);
      return undefined;
    case 'dd':
      for (const a of args) if (a.text.startsWith('of=')) add({ ...a, text: a.text.slice(3) }, 'dd of=');
      return undefined;
    case 'git':
      analyzeGit(args, cwd, options, out);
      return undefined;
    case 'terraform':
    case 'tofu':
    case 'kubectl':
    case 'helm':
      analyzeInfra(name, args, cwd, options, out);
      return undefined;
    default:
      return undefined;
  }
}

/** The option words before `--` (`rm -- -r` removes a file named `-r`). */
function optionWords(args: Word[]): string[] {
  const dd = args.findIndex((a) => a.text === '--');
  return (dd < 0 ? args : args.slice(0, dd)).map((a) => a.text).filter((t) => t.startsWith('-'));
}

/** Non-option arguments, skipping the argument of each option in `withArg` and honouring `--`. */
function operands(args: Word[], withArg: string[]): Word[] {
  const result: Word[] = [];
  let optionsDone = false;
  for (let i = 0; i < args.length; i++) {
    const t = args[i].text;
    if (!optionsDone && t === '--') optionsDone = true;
    else if (!optionsDone && withArg.includes(t)) i++;
    else if (!optionsDone && t.startsWith('-') && t !== '-') continue;
    else result.push(args[i]);
  }
  return result;
}

function analyzeInPlaceEditor(name: string, args: Word[], add: (w: Word, how: string) => void): void {
  const inPlace = args.some((a) => /^-[a-zA-Z]*i/.test(a.text) || a.text.startsWith('--in-place'));
  if (!inPlace) return;
  // The script is the first operand unless given with -e/-f (sed) or -e/-E (perl).
  const scriptOptions = name === 'sed' ? ['-e', '-f', '--expression', '--file'] : ['-e', '-E'];
  let scriptGiven = false;
  const files: Word[] = [];
  let optionsDone = false;
  for (let i = 0; i < args.length; i++) {
    const t = args[i].text;
    if (!optionsDone && t === '--') optionsDone = true;
    else if (!optionsDone && scriptOptions.includes(t)) {
      scriptGiven = true;
      i++;
    } else if (!optionsDone && /^-[a-zA-Z]*[eE]$/.test(t) && name === 'perl') {
      scriptGiven = true; // `perl -pie '…'` style bundles end in e
      i++;
    } else if (!optionsDone && t.startsWith('-') && t !== '-') continue;
    else if (!scriptGiven) scriptGiven = true;
    else files.push(args[i]);
  }
  for (const f of files) add(f, `${name} -i`);
}

function analyzeCopyLike(name: string, args: Word[], cwd: string, options: BashAnalysisOptions, out: BashWriteAnalysis): void {
  const recursive = name !== 'mv' && optionWords(args).some((t) => /^-[a-zA-Z]*[rRa]/.test(t) || t === '--recursive' || t === '--archive');
  let targetDir: Word | undefined;
  const withArg = ['-S', '--suffix', '-m', '--mode', '-o', '--owner', '-g', '--group', '-e'];
  const ops: Word[] = [];
  let optionsDone = false;
  for (let i = 0; i < args.length; i++) {
    const t = args[i].text;
    if (!optionsDone && t === '--') optionsDone = true;
    else if (!optionsDone && (t === '-t' || t === '--target-directory')) targetDir = args[++i];
    else if (!optionsDone && t.startsWith('--target-directory=')) targetDir = { ...args[i], text: t.slice('--target-directory='.length) };
    else if (!optionsDone && withArg.includes(t)) i++;
    else if (!optionsDone && t.startsWith('-') && t !== '-') continue;
    else ops.push(args[i]);
  }
  // rsync to a remote (`host:path`) writes nothing here.
  const sources = targetDir ? ops : ops.slice(0, -1);
  const dest = targetDir ?? ops[ops.length - 1];
  if (!dest || sources.length === 0) return;
  if (name === 'rsync' && /^[^/]*:/.test(dest.text)) return;
  if (name === 'mv') for (const s of sources) addFile(out, cwd, s, true, 'mv', options);
  if (dest.dynamic) {
    out.unresolved.push(`${name} → ${dest.text}`);
    return;
  }
  const destAbs = resolvePath(cwd, dest.text, options);
  const intoDir =
    targetDir !== undefined || sources.length > 1 || dest.text.endsWith('/') || (options.isDirectory?.(destAbs) ?? false);
  if (!intoDir) {
    out.files.push({ path: destAbs, recursive: recursive || name === 'mv', glob: dest.glob, how: name });
    return;
  }
  for (const s of sources) {
    if (s.dynamic) {
      out.unresolved.push(`${name} ${s.text}`);
      continue;
    }
    const base = path.posix.basename(s.text.replace(/\/+$/, ''));
    out.files.push({ path: path.posix.join(destAbs, base), recursive: recursive || name === 'mv', glob: s.glob || dest.glob, how: name });
  }
}

/** Git subcommands and which of their operands they write. */
function analyzeGit(all: Word[], cwd: string, options: BashAnalysisOptions, out: BashWriteAnalysis): void {
  let dir = cwd;
  let args = all;
  // Global options before the subcommand: `-C dir`, `-c k=v`, `--git-dir=…`.
  while (args[0] && args[0].text.startsWith('-')) {
    const t = args[0].text;
    if (t === '-C' && args[1]) {
      dir = resolvePath(dir, args[1].text, options);
      args = args.slice(2);
    } else if (t === '-c' || t === '--git-dir' || t === '--work-tree' || t === '--namespace') args = args.slice(2);
    else args = args.slice(1);
  }
  const sub = args[0]?.text;
  const rest = args.slice(1);
  const texts = rest.map((a) => a.text);
  const has = (...flags: string[]): boolean => texts.some((t) => flags.includes(t));
  const addAll = (ws: Word[], how: string): void => {
    for (const w of ws) {
      if (w.text === '.' || w.text === ':/' || w.text === ':') out.repoWide.push({ dir: w.text === '.' ? resolvePath(dir, '.', options) : dir, how });
      else addFile(out, dir, w, true, how, options);
    }
  };
  switch (sub) {
    case 'add': {
      if (has('-A', '--all', '-u', '--update') || texts.some((t) => /^-[a-zA-Z]*[Au]/.test(t) && !t.startsWith('--'))) {
        out.repoWide.push({ dir, how: `git add ${texts.find((t) => t.startsWith('-'))}` });
      }
      addAll(operands(rest, ['--chmod', '--pathspec-from-file']), 'git add');
      return;
    }
    case 'commit': {
      if (has('-a', '--all') || texts.some((t) => /^-[a-zA-Z]*a[a-zA-Z]*$/.test(t) && !t.startsWith('--'))) {
        out.repoWide.push({ dir, how: 'git commit -a' });
      }
      // `git commit <paths>` commits those paths' working-tree state.
      const ops = operands(rest, ['-m', '--message', '-F', '--file', '-C', '-c', '--author', '--date', '--fixup', '--squash', '-t', '--template', '--cleanup']);
      addAll(ops, 'git commit');
      return;
    }
    case 'checkout': {
      const dd = texts.indexOf('--');
      if (dd >= 0) addAll(rest.slice(dd + 1), 'git checkout --');
      else if (texts.length === 1 && texts[0] === '.') out.repoWide.push({ dir, how: 'git checkout .' });
      return;
    }
    case 'restore': {
      // `--staged` alone changes only the index, not anyone's files.
      if (has('--staged', '-S') && !has('--worktree', '-W')) return;
      addAll(operands(rest, ['-s', '--source', '--pathspec-from-file']), 'git restore');
      return;
    }
    case 'reset':
      if (has('--hard', '--merge', '--keep')) out.repoWide.push({ dir, how: `git reset ${texts.find((t) => t.startsWith('--'))}` });
      return;
    case 'clean':
      if (texts.some((t) => /^-[a-zA-Z]*f/.test(t) || t === '--force')) out.repoWide.push({ dir, how: 'git clean -f' });
      return;
    case 'stash':
      if (texts.length === 0 || ['push', 'save', '-u', '--include-untracked', '-a', '--all', '-k', '--keep-index'].includes(texts[0])) {
        const dd = texts.indexOf('--');
        if (dd >= 0) addAll(rest.slice(dd + 1), 'git stash');
        else out.repoWide.push({ dir, how: 'git stash' });
      }
      return;
    case 'rm':
      addAll(operands(rest, ['--pathspec-from-file']), 'git rm');
      return;
    case 'mv': {
      const ops = operands(rest, []);
      addAll(ops, 'git mv');
      return;
    }
    // merge, pull, rebase, switch, cherry-pick and revert refuse to overwrite uncommitted changes,
    // so they cannot clobber someone's work in progress: not guarded (see docs/hooks.md).
    default:
      return;
  }
}

const INFRA_VERBS: Record<string, Set<string>> = {
  terraform: new Set(['apply', 'destroy', 'import', 'taint', 'untaint', 'state']),
  tofu: new Set(['apply', 'destroy', 'import', 'taint', 'untaint', 'state']),
  kubectl: new Set(['apply', 'delete', 'create', 'replace', 'patch', 'edit', 'scale', 'rollout', 'set', 'label', 'annotate', 'drain', 'cordon', 'uncordon', 'taint']),
  helm: new Set(['install', 'upgrade', 'uninstall', 'rollback', 'delete']),
};

function analyzeInfra(tool: string, args: Word[], cwd: string, options: BashAnalysisOptions, out: BashWriteAnalysis): void {
  let dir = cwd;
  const names = new Set<string>();
  let verb: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const t = args[i].text;
    const value = (flag: string): string | undefined => {
      if (t === flag) return args[++i]?.text;
      if (t.startsWith(flag + '=')) return t.slice(flag.length + 1);
      return undefined;
    };
    const chdir = value('-chdir');
    if (chdir !== undefined) {
      dir = path.posix.resolve(cwd, chdir);
      continue;
    }
    const named = value('--context') ?? value('--namespace') ?? value('-n') ?? value('--kube-context') ?? value('-var-file');
    if (named !== undefined) {
      names.add(path.posix.basename(named).replace(/\.tfvars(\.json)?$/, ''));
      continue;
    }
    if (!t.startsWith('-') && verb === undefined) verb = t;
  }
  if (!verb || !INFRA_VERBS[tool].has(verb)) return;
  if (tool === 'terraform' || tool === 'tofu') {
    // The root module's directory names the environment (`environments/homelab-prod`).
    for (const seg of dir.split('/').filter(Boolean).slice(-3)) names.add(seg);
    const ws = options.env?.TF_WORKSPACE;
    if (ws) names.add(ws);
  }
  names.add(tool);
  out.infra.push({ tool, names: [...names], how: `${tool} ${verb}` });
}

// ---------------------------------------------------------------------------------------------
// Lexer

function lex(src: string, env: Record<string, string | undefined>): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let word: Word | null = null;
  let pendingRedir: Redir | null = null;
  const heredocs: { delim: string; stripTabs: boolean }[] = [];

  const startWord = (): Word => (word ??= { kind: 'word', text: '', glob: false, dynamic: false, subs: [] });
  const endWord = (): void => {
    if (!word) return;
    if (pendingRedir) {
      pendingRedir.target = word;
      if (pendingRedir.op.startsWith('<<') && pendingRedir.op !== '<<<') {
        heredocs.push({ delim: word.text, stripTabs: pendingRedir.op === '<<-' });
      }
      tokens.push(pendingRedir);
      pendingRedir = null;
    } else tokens.push(word);
    word = null;
  };
  const pushOp = (op: string): void => {
    endWord();
    if (pendingRedir) {
      tokens.push(pendingRedir);
      pendingRedir = null;
    }
    tokens.push({ kind: 'op', op });
  };

  /** Reads `$…` at src[i] (i at `$`); appends to the current word. */
  const readDollar = (w: Word): void => {
    const next = src[i + 1];
    if (next === '(') {
      const end = matchParen(src, i + 1);
      const inner = src.slice(i + 2, end);
      if (src[i + 2] !== '(') w.subs.push(inner); // `$((…))` is arithmetic, not a command.
      w.text += src.slice(i, end + 1);
      w.dynamic = true;
      i = end + 1;
      return;
    }
    const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*)|([0-9@*#?$!-]))/.exec(src.slice(i));
    if (!m) {
      if (next === '{') {
        const close = src.indexOf('}', i);
        w.text += src.slice(i, close + 1);
        w.dynamic = true;
        i = close < 0 ? src.length : close + 1;
        return;
      }
      w.text += '$';
      i++;
      return;
    }
    const name = m[1] ?? m[2];
    const value = name ? env[name] : undefined;
    if (value !== undefined) w.text += value;
    else {
      w.text += m[0];
      w.dynamic = true;
    }
    i += m[0].length;
  };

  while (i < src.length) {
    const c = src[i];
    if (c === '\n') {
      pushOp('\n');
      i++;
      // Skip here-document bodies queued on the line that just ended.
      while (heredocs.length > 0) {
        const { delim, stripTabs } = heredocs.shift()!;
        for (;;) {
          if (i >= src.length) break;
          let eol = src.indexOf('\n', i);
          if (eol < 0) eol = src.length;
          let line = src.slice(i, eol);
          if (stripTabs) line = line.replace(/^\t+/, '');
          i = eol + 1;
          if (line === delim) break;
        }
      }
      continue;
    }
    if (c === ' ' || c === '\t') {
      endWord();
      i++;
      continue;
    }
    if (c === '#' && !word) {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '\\') {
      if (src[i + 1] === '\n') {
        i += 2; // line continuation
        continue;
      }
      startWord().text += src[i + 1] ?? '';
      i += 2;
      continue;
    }
    if (c === "'") {
      const end = src.indexOf("'", i + 1);
      if (end < 0) throw new Error('unterminated quote');
      startWord().text += src.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (c === '"') {
      const w = startWord();
      i++;
      while (i < src.length && src[i] !== '"') {
        if (src[i] === '\\' && '$`"\\\n'.includes(src[i + 1] ?? '')) {
          w.text += src[i + 1];
          i += 2;
        } else if (src[i] === '$') readDollar(w);
        else if (src[i] === '`') readBacktick(w);
        else w.text += src[i++];
      }
      if (i >= src.length) throw new Error('unterminated quote');
      i++;
      continue;
    }
    if (c === '$') {
      readDollar(startWord());
      continue;
    }
    if (c === '`') {
      readBacktick(startWord());
      continue;
    }
    // Redirections: `>`, `>>`, `>|`, `&>`, `&>>`, `N>`, `N>&M`, `<`, `<<`, `<<-`, `<<<`, `<>`.
    if (c === '>' || c === '<' || (c === '&' && src[i + 1] === '>')) {
      const cur = word as Word | null; // closures reassign `word`, so TS's narrowing is wrong here
      if (cur && /^\d+$/.test(cur.text)) word = null; // the fd number belongs to the operator
      endWord();
      if (pendingRedir) tokens.push(pendingRedir);
      const m = /^(&>>|&>|>>|>\||>&|>|<<<|<<-|<<|<>|<&|<)/.exec(src.slice(i))!;
      const op = m[1];
      i += op.length;
      pendingRedir = { kind: 'redir', op };
      continue;
    }
    if (c === '&' || c === '|' || c === ';') {
      const two = src.slice(i, i + 2);
      const op = ['&&', '||', ';;', '|&'].includes(two) ? two : c;
      pushOp(op);
      i += op.length;
      continue;
    }
    if (c === '(' || c === ')') {
      pushOp(c);
      i++;
      continue;
    }
    const w = startWord();
    if ((c === '*' || c === '?' || c === '[') && !w.dynamic) w.glob = true;
    w.text += c;
    i++;
  }
  endWord();
  if (pendingRedir) tokens.push(pendingRedir);
  return tokens;

  function readBacktick(w: Word): void {
    const end = src.indexOf('`', i + 1);
    if (end < 0) throw new Error('unterminated backtick');
    w.subs.push(src.slice(i + 1, end));
    w.text += src.slice(i, end + 1);
    w.dynamic = true;
    i = end + 1;
  }
}

/** Index of the `)` closing the `(` at `open`, skipping quoted text. */
function matchParen(src: string, open: number): number {
  let depth = 0;
  for (let j = open; j < src.length; j++) {
    const c = src[j];
    if (c === "'") {
      const e = src.indexOf("'", j + 1);
      if (e < 0) break;
      j = e;
    } else if (c === '\\') j++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j;
  }
  throw new Error('unbalanced $(');
}
