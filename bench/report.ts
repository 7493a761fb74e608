/**
 * What every benchmark shares: its figures written into one section each of docs/benchmarks.md,
 * its command-line options, whole processes timed against `node -e 0`, medians and ratios.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { must } from '../src/core/errors';

export const BENCH_DOC = path.resolve(__dirname, '..', 'docs', 'benchmarks.md');

const HEADER = `# Benchmarks

Figures from \`npm run bench\` on the project's 2-core machine. Machines here are shared and
noisy, so every figure is a ratio against a baseline measured in the same run, and each
section says how to reproduce it.
`;

/** Replaces (or appends) the section headed `## <title>`. */
export function writeSection(title: string, body: string): void {
  let text = fs.existsSync(BENCH_DOC) ? fs.readFileSync(BENCH_DOC, 'utf8') : HEADER;
  const section = `## ${title}\n\n${body.trim()}\n`;
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`## ${escaped}\\n[\\s\\S]*?(?=\\n## |$)`);
  text = re.test(text) ? text.replace(re, section.trimEnd() + '\n') : `${text.trimEnd()}\n\n${section}`;
  fs.writeFileSync(BENCH_DOC, text.trimEnd() + '\n');
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  const upper = must(s[m], 'a figure to take the median of');
  return s.length % 2 ? upper : (must(s[m - 1], 'the lower middle figure') + upper) / 2;
}

/** The 1-minute load average, as each section prints it. */
export function loadAverage(): string {
  return must(os.loadavg()[0], 'the 1-minute load average').toFixed(1);
}

/** Every value given as `--name value` on the command line, in order (an option may repeat). */
export function argValues(name: string, argv: readonly string[] = process.argv): string[] {
  return argv.flatMap((a, i) => {
    const value = argv[i + 1];
    return a === name && value !== undefined ? [value] : [];
  });
}

/** The first `--name value` on the command line. */
export function argValue(name: string, argv: readonly string[] = process.argv): string | undefined {
  return argValues(name, argv)[0];
}

/** `--name N` as a positive number, else `fallback`. */
export function argNumber(name: string, fallback: number, argv: readonly string[] = process.argv): number {
  return Number(argValue(name, argv)) || fallback;
}

/** `1.23x`: how the tables print a ratio. */
export function ratio(value: number, baseline: number, digits = 2): string {
  return `${(value / baseline).toFixed(digits)}x`;
}

/** Milliseconds since `start` (a `process.hrtime.bigint()`). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * The PreToolUse hook's stdin for an Edit of `file` in `cwd`, as Claude Code sends it, from the
 * session the benchmark boards know (`uuid-bench`).
 */
export function editHookInput(cwd: string, file: string): string {
  return JSON.stringify({
    session_id: 'uuid-bench',
    transcript_path: '',
    cwd,
    hook_event_name: 'PreToolUse',
    tool_use_id: 'toolu_b',
    tool_name: 'Edit',
    tool_input: { file_path: file, old_string: 'a', new_string: 'b' },
  });
}

/** One kind of whole process to time: `node <args>` with this environment and stdin. */
export interface Lane {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  input: string;
  /** The exit codes it must end with (any when absent), so a broken call cannot look fast. */
  status?: number | number[];
  /** A regular expression its stdout + stderr must match. */
  expect?: string;
}

/**
 * Times whole processes from a tiny plain-Node driver: spawning from this (tsx-loaded, large)
 * process would add its own fork cost to every lane and flatter the ratios. Lanes are
 * interleaved round by round, so a burst of load on the shared machine hits all of them.
 */
const DRIVER = `
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const [lanes, rounds, warmups] = JSON.parse(process.argv[1]);
// CPU time of waited-for children (user + system, in clock ticks) from /proc: less sensitive to
// the other work on a shared machine than wall time. NaN where there is no /proc.
const childTicks = () => { try { const f = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' '); return +f[13] + +f[14]; } catch { return NaN; } };
const time = (l) => { const c = childTicks(); const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, l.args, { env: l.env, input: l.input, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (l.status !== undefined && ![].concat(l.status).includes(r.status)) throw new Error(l.args.join(' ') + ' exited ' + r.status + ': ' + r.stderr);
  if (l.expect && !new RegExp(l.expect).test(r.stdout + r.stderr)) throw new Error(l.args.join(' ') + ': unexpected answer ' + r.status + ' ' + r.stdout + r.stderr);
  return [ms, childTicks() - c]; };
for (let i = 0; i < warmups; i++) for (const l of lanes) time(l);
const ms = lanes.map(() => []);
const ticks = lanes.map(() => 0);
for (let i = 0; i < rounds; i++) lanes.forEach((l, j) => { const [w, c] = time(l); ms[j].push(w); ticks[j] += c; });
process.stdout.write(JSON.stringify({ ms, ticks }));
`;

/** What `timeLanes` measured of one lane: wall times of each round, CPU ticks of all rounds. */
export interface LaneTimes {
  ms: number[];
  ticks: number;
}

/**
 * Each lane `rounds` times after `warmups` untimed rounds, by `node` (the Node under test;
 * default this one). The driver gets `driverEnv` (default this process's environment).
 */
export function timeLanes(lanes: readonly Lane[], o: { rounds: number; warmups: number; node?: string; driverEnv?: NodeJS.ProcessEnv }): LaneTimes[] {
  const r = spawnSync(o.node ?? process.execPath, ['-e', DRIVER, JSON.stringify([lanes, o.rounds, o.warmups])], { env: o.driverEnv, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`timing driver failed: ${r.stderr}`);
  const { ms, ticks } = JSON.parse(r.stdout) as { ms: number[][]; ticks: number[] };
  return lanes.map((l, j) => ({ ms: must(ms[j], `${l.name}'s times`), ticks: must(ticks[j], `${l.name}'s CPU ticks`) }));
}
