#!/usr/bin/env node
/**
 * svf-torch: the command line (package bin). `svf-torch <command> --help` for each command.
 * Results go to stdout (one JSON object with --json), progress and errors to stderr; exit
 * status 0 on success, 1 on failure, 2 on a command-line mistake.
 */
import { CommandSpec, helpText, parse, Parsed, UsageError } from './args';
import { Output } from './output';
import * as inspect from './commands/inspect';
import * as resolve from './commands/resolve';
import * as train from './commands/train';
import * as evaluate from './commands/evaluate';
import * as spectra from './commands/spectra';

interface Command {
  spec: CommandSpec;
  run(a: Parsed, out: Output): Promise<Record<string, unknown>>;
}

export const COMMANDS: Record<string, Command> = { inspect, resolve, train, eval: evaluate, spectra };

export function usage(): string {
  const lines = ['usage: svf-torch <command> [options]   (svf-torch <command> --help for its options)', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(9)}${c.spec.brief ?? c.spec.summary}`);
  return lines.join('\n') + '\n';
}

export interface CliIO {
  stdout?: { write(s: string): unknown };
  stderr?: { write(s: string): unknown; isTTY?: boolean };
}

/** Runs one command line; resolves to the exit status and, on success, the command's result. */
export async function main(argv: string[], io: CliIO = {}): Promise<{ code: number; result?: Record<string, unknown> }> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? stdout : stderr).write(usage());
    return { code: name ? 0 : 2 };
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    stderr.write(`svf-torch: unknown command ${name}\n${usage()}`);
    return { code: 2 };
  }
  const json = rest.includes('--json');
  try {
    const a = parse(cmd.spec, rest);
    if (a.help) {
      stdout.write(helpText(cmd.spec));
      return { code: 0 };
    }
    const out = new Output(json, stdout, stderr);
    const result = await cmd.run(a, out);
    out.result({ ok: true, command: name, ...result });
    return { code: 0, result };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    stderr.write(`svf-torch ${name}: ${message}\n${e instanceof UsageError ? `(svf-torch ${name} --help lists the options)\n` : ''}`);
    if (json) stdout.write(JSON.stringify({ ok: false, command: name, error: message }) + '\n');
    return { code: e instanceof UsageError ? 2 : 1 };
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(({ code }) => { process.exitCode = code; });
}
