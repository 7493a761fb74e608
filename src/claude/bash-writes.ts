/**
 * Which files a Bash command would write, so the PreToolUse guard can stop a write through
 * Bash to a path someone else holds (an `Edit|Write` matcher alone misses `sed -i`, `>`, …).
 *
 * Best effort by design: a small shell lexer (quotes, escapes, `$(…)`, here-docs, `&&`/`||`/
 * `;`/`|`, subshells, `cd`) and a table of commands it understands. Anything it does not
 * understand is treated as writing nothing: the guard must never block harmless work because
 * of a parse it got wrong. The recognised forms are listed in docs/hooks.md; keep that list in
 * step with `analyzeCommand` below (test/unit/bash-writes-doc.test.ts checks each row).
 */
import * as path from 'node:path';
import { lex, PWD_MARK, type Redir, type Token, type Word } from './shell-lexer';
import { hasOption, optionValues, scanArguments } from './argument-scanner';
import { must } from '../core/errors';
import { ASSIGNMENT, COMMAND_OPTIONS, type CommandOptions, INFRA_VERBS, KEYWORDS, NULL_DEVICES, WRAPPERS } from './write-commands';

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
  /** Whether an absolute path exists (`git checkout name` restores a file when `name` is one). */
  exists?: (absPath: string) => boolean;
}

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
    // Bash the lexer cannot follow (or that bash would refuse): still see the plain writes.
    analyzePlainWords(command, options, out, depth);
    return;
  }
  const cwdStack: string[] = [];
  let cwd = options.cwd;
  let current: (Word | Redir)[] = [];
  // `find S… | xargs rm`: the paths xargs reads are the ones find prints, all under S.
  let found: Word[] | undefined;
  let piped: Word[] | undefined;
  const flush = (): void => {
    found = undefined;
    if (current.length === 0) return;
    const words = current.filter((t): t is Word => t.kind === 'word');
    for (const w of words) for (const sub of w.subs) analyze(sub, { ...options, cwd }, out, depth + 1);
    for (const t of current) {
      if (t.kind === 'redir' && t.target) {
        for (const sub of t.target.subs) analyze(sub, { ...options, cwd }, out, depth + 1);
        if (isFileRedirect(t)) addFile(out, cwd, t.target, false, t.op, options);
      }
    }
    const next = analyzeSimpleCommand(words, cwd, options, out, depth, piped);
    if (next !== undefined) cwd = next;
    if (words[0] && path.posix.basename(words[0].text) === 'find') found = foundUnder(words.slice(1));
    current = [];
  };
  for (const t of tokens) {
    if (t.kind !== 'op') {
      current.push(t);
      continue;
    }
    flush();
    piped = t.op === '|' || t.op === '|&' ? found : undefined;
    if (t.op === '(') cwdStack.push(cwd);
    else if (t.op === ')') cwd = cwdStack.pop() ?? cwd;
  }
  flush();
}

/**
 * The fallback when the lexer gives up: split on the list and pipe operators, keep only the
 * plain words of each piece (letters, digits and path characters; no quotes, `$` or
 * backslashes) with the redirection operators, and analyse what is left. Whatever sits in the
 * text the lexer could not read is lost, but a plain `> src/a.ts` or `rm src/a.ts` beside it is
 * still seen.
 */
function analyzePlainWords(command: string, options: BashAnalysisOptions, out: BashWriteAnalysis, depth: number): void {
  const plain = /^[A-Za-z0-9_./~+@%,:=*?[\]-]+$/;
  const pieces = command.split(/&&|\|\||[;|&\n()]/);
  for (const piece of pieces) {
    const words = piece
      .replace(/(\d*(?:>>|>\||>)|&>>|&>)/g, ' $1 ')
      .split(/[ \t]+/)
      .filter(Boolean);
    const kept: string[] = [];
    for (let k = 0; k < words.length; k++) {
      const w = must(words[k], 'word');
      if (/^(\d*(?:>>|>\||>)|&>>|&>)$/.test(w)) {
        // A redirection keeps its target only when the target is a plain word.
        const target = words[k + 1];
        if (target && plain.test(target)) {
          kept.push(w, target);
          k++;
        }
        continue;
      }
      if (plain.test(w)) kept.push(w);
      else if (kept.length === 0) break; // the command name itself is not plain: nothing to read
    }
    if (kept.length === 0) continue;
    try {
      const tokens = lex(kept.join(' '), options.env ?? {});
      const words2 = tokens.filter((t): t is Word => t.kind === 'word');
      for (const t of tokens) if (t.kind === 'redir' && isFileRedirect(t)) addFile(out, options.cwd, t.target!, false, t.op, options);
      analyzeSimpleCommand(words2, options.cwd, options, out, depth + 1);
    } catch {
      // Plain words always lex; nothing more to see here.
    }
  }
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
  let text = p.split(PWD_MARK).join(cwd);
  const home = options.env?.HOME;
  if (home && (text === '~' || text.startsWith('~/'))) text = home + text.slice(1);
  return path.posix.resolve(cwd, text);
}

interface Unwrapped {
  words: Word[];
  cwd: string;
  /** The command only prints (`command -v rm`): nothing runs. */
  none?: boolean;
  /** `sudo -e`: the rest are files to edit. */
  edit?: boolean;
}

/**
 * One wrapper's options off the front of `words` (the wrapper name already removed). Records
 * what the options themselves write (`time -o f`) or change (`env -C dir`), and hands a string
 * command (`env -S '…'`) to the analysis.
 */
function unwrap(name: string, words: Word[], cwd: string, options: BashAnalysisOptions, out: BashWriteAnalysis, depth: number): Unwrapped {
  const spec = must(WRAPPERS[name], `the ${name} wrapper`);
  const scan = scanArguments(words, { ...spec, untilCommand: true, skip: name === 'env' ? ASSIGNMENT : undefined });
  if (spec.noCommand && hasOption(scan, ...spec.noCommand)) return { words: [], cwd, none: true };
  for (const { name: opt, value } of scan.options) {
    if (!value) continue;
    if (name === 'time' && (opt === '-o' || opt === '--output')) addFile(out, cwd, value, false, 'time -o', options);
    if (name === 'env' && (opt === '-C' || opt === '--chdir') && !value.dynamic) cwd = resolvePath(cwd, value.text, options);
    if (name === 'sudo' && (opt === '-D' || opt === '--chdir') && !value.dynamic) cwd = resolvePath(cwd, value.text, options);
    if (name === 'env' && (opt === '-S' || opt === '--split-string')) analyze(value.text, { ...options, cwd }, out, depth + 1);
  }
  // `sudo -e`: sudo's own option, so the words after it are files to edit, not a command.
  const edit = name === 'sudo' && hasOption(scan, '-e', '--edit');
  return { words: scan.rest, cwd, edit };
}

/** Returns the new working directory when the command was a `cd`. */
function analyzeSimpleCommand(
  all: Word[],
  startCwd: string,
  options: BashAnalysisOptions,
  out: BashWriteAnalysis,
  depth: number,
  /** What a `find` before a pipe into this command starts from. */
  pipedFind?: Word[],
): string | undefined {
  let words = all;
  let cwd = startCwd;
  let viaXargs = false;
  // Strip keywords, assignments and wrappers (`sudo -u x`, `env A=1`, `timeout 5`).
  for (;;) {
    const first = words[0];
    if (!first) return undefined;
    const base = path.posix.basename(first.text);
    if (KEYWORDS.has(first.text)) words = words.slice(1);
    else if (ASSIGNMENT.test(first.text)) words = words.slice(1);
    else if (base === 'sudoedit') {
      for (const w of unwrap('sudo', words.slice(1), cwd, options, out, depth).words) addFile(out, cwd, w, false, 'sudoedit', options);
      return undefined;
    } else if (Object.hasOwn(WRAPPERS, base) && !first.dynamic) {
      const u = unwrap(base, words.slice(1), cwd, options, out, depth);
      if (u.none) return undefined;
      if (u.edit) {
        // `sudo -e f`: sudo's own option, so the words after it are files to edit, not a command.
        for (const w of u.words) addFile(out, cwd, w, false, 'sudoedit', options);
        return undefined;
      }
      if (base === 'xargs') {
        if (pipedFind) {
          // `xargs -I R cmd R` puts each path where R is; otherwise the paths follow the command.
          const replace = optionValues(scanArguments(words.slice(1), must(WRAPPERS.xargs, 'the xargs wrapper')), '-I', '--replace').pop()?.text;
          const command = replace === undefined || replace === '{}' ? u.words : u.words.map((w) => ({ ...w, text: w.text.split(replace).join('{}') }));
          for (const s of pipedFind) runOnEverythingUnder(command, s, 'find | xargs', u.cwd, options, out, depth, replace === undefined);
          return undefined;
        }
        viaXargs = true;
      }
      words = u.words;
      cwd = u.cwd;
    } else break;
  }
  if (viaXargs) out.unresolved.push(`xargs ${words.map((w) => w.text).join(' ')}`);
  const cdResult = analyzeCommand(words, cwd, options, out, depth);
  // A wrapper's own directory (`env -C d cd x`) never outlives the command.
  return cwd === startCwd ? cdResult : undefined;
}

function analyzeCommand(words: Word[], cwd: string, options: BashAnalysisOptions, out: BashWriteAnalysis, depth: number): string | undefined {
  const head = words[0];
  if (!head) return undefined;
  const name = path.posix.basename(head.text);
  const args = words.slice(1);
  const add = (w: Word, how: string, recursive = false): void => addFile(out, cwd, w, recursive, how, options);
  const operands = (spec: CommandOptions): Word[] => scanArguments(args, COMMAND_OPTIONS[spec]).operands;

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
      const script = args[i + 1];
      if (i >= 0 && script) analyze(script.text, { ...options, cwd }, out, depth + 1);
      return undefined;
    }
    case 'tee':
      for (const a of operands('plain')) add(a, 'tee');
      return undefined;
    case 'touch':
      for (const a of operands('touch')) add(a, 'touch');
      return undefined;
    case 'truncate':
      for (const a of operands('truncate')) add(a, 'truncate');
      return undefined;
    case 'rm':
    case 'shred':
    case 'unlink': {
      const scan = scanArguments(args, COMMAND_OPTIONS.plain);
      const recursive = scan.flags.some((t) => /^-[a-zA-Z]*[rR]/.test(t) || t === '--recursive');
      for (const a of scan.operands) add(a, name, recursive);
      return undefined;
    }
    case 'rmdir':
      for (const a of operands('plain')) add(a, 'rmdir', true);
      return undefined;
    case 'sed':
    case 'perl':
      analyzeInPlaceEditor(name as 'sed' | 'perl', args, add);
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
    case 'eval':
      // bash joins eval's words with spaces and runs the result.
      if (args.some((a) => a.dynamic)) out.unresolved.push(`eval ${args.map((a) => a.text).join(' ')}`);
      else analyze(args.map((a) => a.text).join(' '), { ...options, cwd }, out, depth + 1);
      return undefined;
    case 'curl':
      analyzeCurl(args, cwd, options, out);
      return undefined;
    case 'wget':
      analyzeWget(args, cwd, options, out);
      return undefined;
    case 'find':
      analyzeFind(args, cwd, options, out, depth);
      return undefined;
    case 'sort':
      for (const a of optionValues(scanArguments(args, COMMAND_OPTIONS.sort), '-o', '--output')) add(a, 'sort -o');
      return undefined;
    case 'tar':
      analyzeTar(args, cwd, options, out);
      return undefined;
    case 'unzip':
      analyzeUnzip(args, cwd, options, out);
      return undefined;
    case 'ex':
    case 'vi':
    case 'vim':
    case 'nvim':
    case 'ed':
      // Run as a script (`ex -sc 'wq' f`, `vim -es`, `ed f <<<…`), an editor writes its files.
      if (name === 'ex' || name === 'ed' || args.some((a) => /^-[a-zA-Z]*[eE]/.test(a.text) && !a.text.startsWith('--'))) {
        for (const a of operands('editor')) if (!a.text.startsWith('+')) add(a, name);
      }
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

/** The file name a download takes from its URL: the last segment of the URL's path. */
function urlFileName(url: string): string | undefined {
  try {
    const name = new URL(url.includes('://') ? url : `http://${url}`).pathname.split('/').pop();
    return name === undefined || name === '' ? undefined : name;
  } catch {
    return undefined;
  }
}

/** A word for a path made here (a download's name), placed where the download writes. */
function madeWord(like: Word, dir: Word | undefined, name: string): Word {
  const text = dir ? `${dir.text.replace(/\/+$/, '')}/${name}` : name;
  return { kind: 'word', text, glob: false, dynamic: like.dynamic || (dir?.dynamic ?? false), subs: [] };
}

/** `curl -o f`, and `curl -O URL` / `--remote-name-all`, whose file is named after the URL (in `--output-dir`). */
function analyzeCurl(args: Word[], cwd: string, options: BashAnalysisOptions, out: BashWriteAnalysis): void {
  const scan = scanArguments(args, COMMAND_OPTIONS.curl);
  const dir = optionValues(scan, '--output-dir').pop();
  for (const a of optionValues(scan, '-o', '--output')) if (a.text !== '-') addFile(out, cwd, dir && !a.text.startsWith('/') ? madeWord(a, dir, a.text) : a, false, 'curl -o', options);
  for (const a of optionValues(scan, '-c', '--cookie-jar', '-D', '--dump-header', '--trace', '--trace-ascii', '--stderr')) {
    if (a.text !== '-') addFile(out, cwd, a, false, 'curl', options);
  }
  if (!hasOption(scan, '-O', '--remote-name', '--remote-name-all')) return;
  const urls = [...scan.operands, ...optionValues(scan, '--url')];
  for (const u of urls) {
    // `-J` takes the name from the server's reply: not known before it runs.
    const name = hasOption(scan, '-J', '--remote-header-name') || u.dynamic ? undefined : urlFileName(u.text);
    if (name === undefined) out.unresolved.push(`curl -O ${u.text}`);
    else addFile(out, cwd, madeWord(u, dir, name), false, 'curl -O', options);
  }
}

/**
 * `wget -O f`, its log (`-o`/`-a`), and plain `wget URL`, which names the file after the URL
 * (`index.html` for a folder) in `-P dir`; `-r`/`-m` write a tree under `<dir>/<host>`.
 */
function analyzeWget(args: Word[], cwd: string, options: BashAnalysisOptions, out: BashWriteAnalysis): void {
  const scan = scanArguments(args, COMMAND_OPTIONS.wget);
  for (const a of optionValues(scan, '-o', '--output-file', '-a', '--append-output', '--save-cookies')) addFile(out, cwd, a, false, 'wget', options);
  const documents = optionValues(scan, '-O', '--output-document');
  for (const a of documents) if (a.text !== '-') addFile(out, cwd, a, false, 'wget -O', options);
  if (documents.length > 0 || hasOption(scan, '--spider')) return;
  const dir = optionValues(scan, '-P', '--directory-prefix').pop();
  const recursive = scan.flags.some((f) => f === '--recursive' || f === '--mirror' || (/^-[a-zA-Z]*[rm]/.test(f) && !f.startsWith('--') && !/^-n[a-zA-Z]$/.test(f)));
  const flat = scan.flags.some((f) => f === '-nd' || f === '--no-directories');
  const noHost = scan.flags.some((f) => f === '-nH' || f === '--no-host-directories');
  for (const u of scan.operands) {
    if (u.dynamic) {
      out.unresolved.push(`wget ${u.text}`);
      continue;
    }
    if (recursive) {
      let host: string | undefined;
      try {
        host = new URL(u.text.includes('://') ? u.text : `http://${u.text}`).host;
      } catch {
        host = undefined;
      }
      const base: Word = dir ?? { kind: 'word', text: '.', glob: false, dynamic: false, subs: [] };
      addFile(out, cwd, flat || noHost || host === undefined ? base : madeWord(u, base, host), true, 'wget -r', options);
    } else {
      addFile(out, cwd, madeWord(u, dir, urlFileName(u.text) ?? 'index.html'), false, 'wget', options);
    }
  }
}

/** Where `find` starts (the words between its own options and its expression; `.` when none). */
function findStarts(args: Word[]): { starts: Word[]; expression: Word[] } {
  let k = 0;
  // find's own options: -H, -L, -P, -O<level>, -D <debug options>.
  while (k < args.length && /^-([HLP]|O\d*|D)$/.test(args[k]?.text ?? '')) k += args[k]?.text === '-D' ? 2 : 1;
  const words = args.slice(k);
  const e = words.findIndex((w) => /^[-(!]/.test(w.text) || w.text === ',');
  const starts = e < 0 ? words : words.slice(0, e);
  const expression = e < 0 ? [] : words.slice(e);
  const here: Word = { kind: 'word', text: '.', glob: false, dynamic: false, subs: [] };
  return { starts: starts.length > 0 ? starts : [here], expression };
}

/**
 * What `find` finds under each starting point: `S/**\/P` when the expression is one `-name P`
 * test (and nothing it could be or'ed or negated with), so `find . -name '*.pyc' -delete` meets
 * only claims on `.pyc` files; otherwise everything under S.
 */
function foundUnder(args: Word[]): Word[] {
  const { starts, expression } = findStarts(args);
  const texts = expression.map((w) => w.text);
  const names = texts.flatMap((t, i) => (t === '-name' ? [expression[i + 1]] : []));
  const name = names.length === 1 ? names[0] : undefined;
  const widened = texts.some((t) => ['-o', '-or', '!', '-not', ',', '-iname', '-path', '-ipath', '-regex', '-iregex', '-wholename'].includes(t));
  if (!name || name.dynamic || widened) return starts;
  return starts.map((s) => ({ ...s, text: `${s.text.replace(/\/+$/, '')}/**/${name.text}`, glob: true }));
}

/**
 * `find S… -delete` removes what it finds under each starting point; `-exec`/`-execdir`/`-ok`
 * run a command on it, read as run on everything found (see `foundUnder`).
 */
function analyzeFind(args: Word[], cwd: string, options: BashAnalysisOptions, out: BashWriteAnalysis, depth: number): void {
  const { expression } = findStarts(args);
  const starts = foundUnder(args);
  if (expression.some((w) => w.text === '-delete')) for (const s of starts) addFile(out, cwd, s, true, 'find -delete', options);
  for (let i = 0; i < expression.length; i++) {
    if (!['-exec', '-execdir', '-ok', '-okdir'].includes(expression[i]?.text ?? '')) continue;
    const end = expression.findIndex((w, k) => k > i && (w.text === ';' || w.text === '+'));
    const command = expression.slice(i + 1, end < 0 ? undefined : end);
    for (const s of starts) runOnEverythingUnder(command, s, `find ${expression[i]?.text}`, cwd, options, out, depth);
    if (end < 0) break;
    i = end;
  }
}

/**
 * A command run on files found under `start` (`find start -exec rm {} +`, `find start | xargs rm`):
 * analysed with `{}` (or the operands it is given) standing for `start`, and every path it would
 * write read as everything under it.
 */
function runOnEverythingUnder(command: Word[], start: Word, how: string, cwd: string, options: BashAnalysisOptions, out: BashWriteAnalysis, depth: number, appendStart = false): void {
  if (command.length === 0) return;
  const words = command.map((w) => (w.text.includes('{}') ? { ...w, text: w.text.split('{}').join(start.text), dynamic: w.dynamic || start.dynamic, glob: w.glob || start.glob } : w));
  if (appendStart) words.push(start);
  const found: BashWriteAnalysis = { files: [], repoWide: [], infra: [], unresolved: [] };
  analyzeSimpleCommand(words, cwd, options, found, depth + 1);
  for (const f of found.files) out.files.push({ ...f, recursive: true, how: `${how} ${f.how}` });
  out.repoWide.push(...found.repoWide);
  out.infra.push(...found.infra);
  out.unresolved.push(...found.unresolved);
}

/** `tar -x` (or `tar xf a.tar`) writes its member operands, or everything under its directory. */
function analyzeTar(args: Word[], cwd: string, options: BashAnalysisOptions, out: BashWriteAnalysis): void {
  const first = args[0]?.text ?? '';
  const oldStyle = first !== '' && !first.startsWith('-');
  const extract = (oldStyle && first.includes('x')) || args.some((a) => a.text === '--extract' || a.text === '--get' || (/^-[a-zA-Z]*x/.test(a.text) && !a.text.startsWith('--')));
  if (!extract) return;
  let dir = cwd;
  const members: Word[] = [];
  const withArg = [
    '-f',
    '--file',
    '-C',
    '--directory',
    '-T',
    '--files-from',
    '-X',
    '--exclude-from',
    '-b',
    '--blocking-factor',
    '-H',
    '--format',
    '-I',
    '--use-compress-program',
    '-K',
    '-N',
    '-V',
    '--label',
  ];
  // Old style: the letters' arguments follow in order (`tar xfC a.tar dir`).
  let i = 0;
  if (oldStyle) {
    i = 1;
    for (const letter of first) {
      const d = args[i];
      if (letter === 'C' && d) dir = resolvePath(cwd, d.text, options);
      if ('fCTXbHIKNV'.includes(letter)) i++;
    }
  }
  for (; i < args.length; i++) {
    const arg = must(args[i], 'tar argument');
    const t = arg.text;
    if (t === '-C' || t === '--directory') {
      const d = args[++i];
      if (d) dir = resolvePath(cwd, d.text, options);
    } else if (t.startsWith('--directory=')) dir = resolvePath(cwd, t.slice('--directory='.length), options);
    else if (withArg.includes(t)) i++;
    else if (/^-[a-zA-Z]+$/.test(t)) {
      // `-xf a.tar`, `-xzf a.tar`, `-C dir` bundled: an argument letter takes the next word.
      const letters = t.slice(1);
      for (const letter of letters)
        if ('fCTXbHIKNV'.includes(letter)) {
          const v = args[++i];
          if (letter === 'C' && v) dir = resolvePath(cwd, v.text, options);
        }
    } else if (!t.startsWith('-')) members.push(arg);
  }
  const how = 'tar -x';
  if (members.length > 0) for (const m of members) addFile(out, dir, m, true, how, options);
  else out.files.push({ path: dir, recursive: true, glob: false, how });
}

/** `unzip a.zip [members] [-d dir]` writes the members, or everything under the directory. */
function analyzeUnzip(args: Word[], cwd: string, options: BashAnalysisOptions, out: BashWriteAnalysis): void {
  const flags = scanArguments(args, COMMAND_OPTIONS.plain).flags;
  // -l, -t, -v, -p, -Z only list, test or print; -n never overwrites an existing file.
  if (flags.some((f) => /^-[a-zA-Z]*[ltvpnZ]/.test(f))) return;
  let dir = cwd;
  const ops: Word[] = [];
  // Not the scanner: `-x` takes every word up to the next option.
  for (let i = 0; i < args.length; i++) {
    const arg = must(args[i], 'unzip argument');
    const t = arg.text;
    if (t === '-d') {
      const d = args[++i];
      if (d) dir = resolvePath(cwd, d.text, options);
    } else if (t === '-x') {
      while (args[i + 1]?.text.startsWith('-') === false) i++; // exclusions
    } else if (!t.startsWith('-')) ops.push(arg);
  }
  const members = ops.slice(1);
  const how = 'unzip';
  if (members.length > 0) for (const m of members) addFile(out, dir, m, false, how, options);
  else out.files.push({ path: dir, recursive: true, glob: false, how });
}

function analyzeInPlaceEditor(name: 'sed' | 'perl', args: Word[], add: (w: Word, how: string) => void): void {
  const scan = scanArguments(args, COMMAND_OPTIONS[name]);
  if (!hasOption(scan, '-i', '--in-place')) return;
  // The script is the first operand unless given with an option (`-e`, `sed -f`).
  const scriptGiven = hasOption(scan, ...COMMAND_OPTIONS[name].withArg);
  for (const f of scriptGiven ? scan.operands : scan.operands.slice(1)) add(f, `${name} -i`);
}

function analyzeCopyLike(name: string, args: Word[], cwd: string, options: BashAnalysisOptions, out: BashWriteAnalysis): void {
  const scan = scanArguments(args, COMMAND_OPTIONS.copy);
  const recursive = name !== 'mv' && scan.flags.some((t) => /^-[a-zA-Z]*[rRa]/.test(t) || t === '--recursive' || t === '--archive');
  // The last `-t` wins, as in mv and cp.
  const targetDir = scan.options.filter((o) => o.name === '-t' || o.name === '--target-directory').pop()?.value;
  const ops = scan.operands;
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
  const intoDir = targetDir !== undefined || sources.length > 1 || dest.text.endsWith('/') || (options.isDirectory?.(destAbs) ?? false);
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
  const global = scanArguments(all, COMMAND_OPTIONS.gitGlobal);
  for (const d of optionValues(global, '-C')) dir = resolvePath(dir, d.text, options);
  const args = global.rest;
  const sub = args[0]?.text;
  const rest = args.slice(1);
  const texts = rest.map((a) => a.text);
  const has = (...flags: string[]): boolean => texts.some((t) => flags.includes(t));
  const operands = (ws: Word[], spec: CommandOptions): Word[] => scanArguments(ws, COMMAND_OPTIONS[spec]).operands;
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
      addAll(operands(rest, 'gitAdd'), 'git add');
      return;
    }
    case 'commit': {
      if (has('-a', '--all') || texts.some((t) => /^-[a-zA-Z]*a[a-zA-Z]*$/.test(t) && !t.startsWith('--'))) {
        out.repoWide.push({ dir, how: 'git commit -a' });
      }
      // `git commit <paths>` commits those paths' working-tree state.
      const ops = operands(rest, 'gitCommit');
      addAll(ops, 'git commit');
      return;
    }
    case 'checkout': {
      const pathsMark = texts.indexOf('--');
      const before = pathsMark >= 0 ? rest.slice(0, pathsMark) : rest;
      const scan = scanArguments(before, COMMAND_OPTIONS.gitCheckout);
      const flags = scan.flags;
      const force = flags.some((t) => t === '--force' || (/^-[a-zA-Z]*f/.test(t) && !t.startsWith('--')));
      const creates = flags.some((t) => /^-[a-zA-Z]*[bB]/.test(t) && !t.startsWith('--')) || flags.includes('--orphan');
      let wrote = false;
      if (pathsMark >= 0 && rest.length > pathsMark + 1) {
        addAll(rest.slice(pathsMark + 1), 'git checkout --');
        wrote = true;
      }
      const ops = scan.operands;
      const firstOp = ops[0];
      if (pathsMark < 0 && !creates && firstOp) {
        if (ops.length === 1 && firstOp.text === '.') {
          out.repoWide.push({ dir, how: 'git checkout .' });
          return;
        }
        // `git checkout <tree-ish> <paths>…` restores the paths; a lone name is a branch
        // unless it names a file or folder that is there (then git restores it).
        const exists = (w: Word): boolean => !w.dynamic && (options.exists?.(resolvePath(dir, w.text, options)) ?? false);
        const paths = ops.length > 1 ? ops.slice(1) : [];
        if (exists(firstOp) || firstOp.glob) paths.unshift(firstOp);
        if (paths.length > 0) {
          addAll(paths, 'git checkout');
          wrote = true;
        }
      }
      // A forced branch switch throws away every uncommitted change.
      if (force && !wrote) out.repoWide.push({ dir, how: 'git checkout -f' });
      return;
    }
    case 'switch':
      if (texts.some((t) => t === '--discard-changes' || t === '--force' || (/^-[a-zA-Z]*f/.test(t) && !t.startsWith('--')))) {
        out.repoWide.push({ dir, how: 'git switch --discard-changes' });
      }
      return;
    case 'restore': {
      // `--staged` alone changes only the index, not anyone's files.
      if (has('--staged', '-S') && !has('--worktree', '-W')) return;
      addAll(operands(rest, 'gitRestore'), 'git restore');
      return;
    }
    case 'reset': {
      const mode = texts.find((t) => t === '--hard' || t === '--merge' || t === '--keep');
      if (mode) out.repoWide.push({ dir, how: `git reset ${mode}` });
      return;
    }
    case 'clean':
      if (texts.some((t) => /^-[a-zA-Z]*f/.test(t) || t === '--force')) out.repoWide.push({ dir, how: 'git clean -f' });
      return;
    case 'stash': {
      // `git stash`, `git stash push|save …` and `git stash -<option> …` (a push) take changes away.
      const verb = texts[0];
      if (verb !== undefined && verb !== 'push' && verb !== 'save' && !verb.startsWith('-')) return;
      const args = verb === 'push' || verb === 'save' ? rest.slice(1) : rest;
      const pathsMark = args.findIndex((a) => a.text === '--');
      // `save` takes a message, never paths; `push` takes paths with or without `--`.
      const paths = pathsMark >= 0 ? args.slice(pathsMark + 1) : verb === 'save' ? [] : operands(args, 'gitStash');
      if (paths.length > 0) addAll(paths, 'git stash');
      else out.repoWide.push({ dir, how: 'git stash' });
      return;
    }
    case 'rm':
      addAll(operands(rest, 'gitRm'), 'git rm');
      return;
    case 'mv': {
      const ops = operands(rest, 'plain');
      addAll(ops, 'git mv');
      return;
    }
    // merge, pull, rebase, switch (unforced), cherry-pick and revert refuse to overwrite
    // uncommitted changes, so they cannot clobber someone's work in progress: not guarded.
    default:
      return;
  }
}

function analyzeInfra(tool: string, args: Word[], cwd: string, options: BashAnalysisOptions, out: BashWriteAnalysis): void {
  let dir = cwd;
  const names = new Set<string>();
  let verb: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const t = must(args[i], `${tool} argument`).text;
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
  if (!verb || !must(INFRA_VERBS[tool], `${tool}'s verbs`).has(verb)) return;
  if (tool === 'terraform' || tool === 'tofu') {
    // The root module's directory names the environment (`environments/homelab-prod`).
    for (const seg of dir.split('/').filter(Boolean).slice(-3)) names.add(seg);
    const ws = options.env?.TF_WORKSPACE;
    if (ws) names.add(ws);
  }
  names.add(tool);
  out.infra.push({ tool, names: [...names], how: `${tool} ${verb}` });
}
