/**
 * The tables the Bash write analysis reads: the wrappers that run another command, the shell
 * keywords, each command's options, and the infrastructure verbs that change something. Data
 * only; bash-writes.ts walks the command with them and argument-scanner.ts reads the options.
 * docs/hooks.md lists what is recognised (test/unit/bash-writes-doc.test.ts holds the two in step).
 */
import type { OptionSpec } from './argument-scanner';

/** Files a redirection may name without writing anything a claim could hold. */
export const NULL_DEVICES: ReadonlySet<string> = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/tty']);

/**
 * Leading words that run the rest of the line as the real command, each with its own options:
 * which take an argument (`sudo -u root`, `timeout -s KILL`), and how many operands come before
 * the command (`timeout 5`). An option a table does not list is read as a flag.
 */
export interface Wrapper extends OptionSpec {
  /** Options whose argument is the next word (or the rest of a bundle: `-uroot`, `-oL`). */
  readonly withArg: readonly string[];
  /** Options after which no command runs (`command -v`, `sudo -l`). */
  readonly noCommand?: readonly string[];
}
export const WRAPPERS: Readonly<Record<string, Wrapper>> = {
  sudo: {
    withArg: [
      '-u',
      '-g',
      '-h',
      '-p',
      '-C',
      '-D',
      '-r',
      '-t',
      '-U',
      '-T',
      '-R',
      '--user',
      '--group',
      '--host',
      '--prompt',
      '--close-from',
      '--chdir',
      '--role',
      '--type',
      '--other-user',
      '--command-timeout',
      '--chroot',
    ],
    noCommand: ['-l', '--list', '-v', '--validate', '-V', '--version', '-K', '--remove-timestamp', '--help'],
  },
  doas: { withArg: ['-u', '-C'] },
  env: { withArg: ['-u', '--unset', '-C', '--chdir', '-S', '--split-string'] },
  nice: { withArg: ['-n', '--adjustment'] },
  ionice: { withArg: ['-c', '-n', '-p', '-P', '-u', '--class', '--classdata'] },
  timeout: { withArg: ['-s', '--signal', '-k', '--kill-after'], leading: 1 },
  stdbuf: { withArg: ['-i', '-o', '-e', '--input', '--output', '--error'] },
  nohup: { withArg: [] },
  time: { withArg: ['-f', '--format', '-o', '--output'] },
  command: { withArg: [], noCommand: ['-v', '-V'] },
  builtin: { withArg: [] },
  exec: { withArg: ['-a'] },
  busybox: { withArg: [] },
  xargs: {
    withArg: ['-I', '-L', '-n', '-P', '-s', '-d', '-E', '-a', '--max-lines', '--max-args', '--max-procs', '--max-chars', '--delimiter', '--eof', '--arg-file', '--replace', '--process-slot-var'],
  },
};

/** `VAR=value` before a command, or among `env`'s arguments. */
export const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

/**
 * The options of each command whose operands (or option arguments) it writes: which take an
 * argument, so that argument is not read as a file. Options a table does not list are flags.
 */
export const COMMAND_OPTIONS = {
  plain: {},
  touch: { withArg: ['-d', '-t', '-r', '--date', '--reference'] },
  truncate: { withArg: ['-s', '-r', '--size', '--reference'] },
  // The script is given with these, or else it is the first operand.
  sed: { withArg: ['-e', '-f', '--expression', '--file'], attachedArg: ['-i', '--in-place'] },
  perl: { withArg: ['-e', '-E'], attachedArg: ['-i', '-M', '-m', '-I'] },
  // One table for mv, cp, ln, install and rsync, whose letters mean different things: whole words only.
  copy: { withArg: ['-t', '--target-directory', '-S', '--suffix', '-m', '--mode', '-o', '--owner', '-g', '--group', '-e'], wholeWords: true },
  // The options that take an argument, so that argument is never read as a URL (`curl -d o -O URL`).
  curl: {
    withArg: [
      '-o',
      '--output',
      '--output-dir',
      '-c',
      '--cookie-jar',
      '-D',
      '--dump-header',
      '--trace',
      '--trace-ascii',
      '--stderr',
      '-d',
      '--data',
      '--data-raw',
      '--data-binary',
      '--data-urlencode',
      '--json',
      '-H',
      '--header',
      '-X',
      '--request',
      '-u',
      '--user',
      '-A',
      '--user-agent',
      '-e',
      '--referer',
      '-b',
      '--cookie',
      '-F',
      '--form',
      '-T',
      '--upload-file',
      '-w',
      '--write-out',
      '-x',
      '--proxy',
      '-m',
      '--max-time',
      '--connect-timeout',
      '--retry',
      '--url',
      '-r',
      '--range',
      '-E',
      '--cert',
      '-K',
      '--config',
      '-C',
      '--continue-at',
      '-z',
      '--time-cond',
      '-U',
      '--proxy-user',
      '-Y',
      '--speed-limit',
      '-y',
      '--speed-time',
      '-t',
      '--telnet-option',
      '-Q',
      '--quote',
    ],
    flagLetters: 'sSLfkvqiIOJR#glNZ46',
  },
  wget: {
    withArg: [
      '-O',
      '--output-document',
      '-o',
      '--output-file',
      '-a',
      '--append-output',
      '-P',
      '--directory-prefix',
      '--save-cookies',
      '-t',
      '--tries',
      '-T',
      '--timeout',
      '-w',
      '--wait',
      '-U',
      '--user-agent',
      '--header',
      '--user',
      '--password',
      '-i',
      '--input-file',
      '-e',
      '--execute',
      '-l',
      '--level',
      '-Q',
      '--quota',
      '-D',
      '--domains',
      '-A',
      '--accept',
      '-R',
      '--reject',
      '--post-data',
      '--post-file',
      '--body-data',
      '--method',
      '--load-cookies',
      '--referer',
      '-B',
      '--base',
      '--limit-rate',
      '--progress',
    ],
    flagLetters: 'qvcNkKmprnHdS46',
  },
  sort: { withArg: ['-o', '--output'], flagLetters: 'bdfgiMhnRrVsuzcCm' },
  editor: { withArg: ['-c', '-S', '--cmd', '-u', '-i', '-w', '-W', '-T', '-p'] },
  /** Before the subcommand: `git -C dir`, `-c k=v`, `--git-dir=…`. */
  gitGlobal: { withArg: ['-C', '-c', '--git-dir', '--work-tree', '--namespace'], wholeWords: true, untilCommand: true },
  gitAdd: { withArg: ['--chmod', '--pathspec-from-file'] },
  gitCommit: { withArg: ['-m', '--message', '-F', '--file', '-C', '-c', '--author', '--date', '--fixup', '--squash', '-t', '--template', '--cleanup'] },
  gitCheckout: { withArg: ['-b', '-B', '--orphan', '--conflict', '--pathspec-from-file'] },
  gitRestore: { withArg: ['-s', '--source', '--pathspec-from-file'] },
  gitStash: { withArg: ['-m', '--message', '--pathspec-from-file'] },
  gitRm: { withArg: ['--pathspec-from-file'] },
} as const satisfies Record<string, OptionSpec>;
export type CommandOptions = keyof typeof COMMAND_OPTIONS;

/** Shell words that start a compound command but are not themselves commands. */
export const KEYWORDS: ReadonlySet<string> = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}', 'esac']);

const TERRAFORM_VERBS = ['apply', 'destroy', 'import', 'taint', 'untaint', 'state'] as const;
/** The subcommands of each infrastructure tool that change what it manages. */
export const INFRA_VERBS: Readonly<Record<string, ReadonlySet<string>>> = {
  terraform: new Set(TERRAFORM_VERBS),
  tofu: new Set(TERRAFORM_VERBS),
  kubectl: new Set(['apply', 'delete', 'create', 'replace', 'patch', 'edit', 'scale', 'rollout', 'set', 'label', 'annotate', 'drain', 'cordon', 'uncordon', 'taint']),
  helm: new Set(['install', 'upgrade', 'uninstall', 'rollback', 'delete']),
};
