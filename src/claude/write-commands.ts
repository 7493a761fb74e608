/**
 * The tables the Bash write analysis reads: the wrappers that run another command, the shell
 * keywords, and the infrastructure verbs that change something. Data only; bash-writes.ts
 * walks the command with them. docs/hooks.md lists what is recognised: keep it in step.
 */

/** Files a redirection may name without writing anything a claim could hold. */
export const NULL_DEVICES: ReadonlySet<string> = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/tty']);

/**
 * Leading words that run the rest of the line as the real command, each with its own options:
 * which take an argument (`sudo -u root`, `timeout -s KILL`), and how many operands come before
 * the command (`timeout 5`). An option a table does not list is read as a flag.
 */
export interface Wrapper {
  /** Options whose argument is the next word (or the rest of a bundle: `-uroot`, `-oL`). */
  readonly withArg: readonly string[];
  /** Operands before the command (`timeout DURATION`). */
  readonly leading?: number;
  /** Options after which no command runs (`command -v`, `sudo -l`). */
  readonly noCommand?: readonly string[];
}
export const WRAPPERS: Readonly<Record<string, Wrapper>> = {
  sudo: {
    withArg: ['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T', '-R', '--user', '--group', '--host', '--prompt', '--close-from', '--chdir', '--role', '--type', '--other-user', '--command-timeout', '--chroot'],
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
  xargs: { withArg: ['-I', '-L', '-n', '-P', '-s', '-d', '-E', '-a', '--max-lines', '--max-args', '--max-procs', '--max-chars', '--delimiter', '--eof', '--arg-file', '--replace', '--process-slot-var'] },
};

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
