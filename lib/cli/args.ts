/**
 * A small declarative argument parser: each command declares its positionals and options once,
 * and the same declaration parses argv, fills defaults, checks types and choices, and prints
 * --help. Unknown flags are errors (nothing is silently ignored).
 */

export interface OptionSpec {
  name: string;
  type: 'string' | 'int' | 'number' | 'bool';
  help: string;
  default?: string | number | boolean;
  choices?: string[];
  required?: boolean;
  metavar?: string;
}

export interface PositionalSpec {
  name: string;
  help: string;
}

export interface CommandSpec {
  name: string;
  /** The program name in usage lines (default `svf-torch <name>`). */
  prog?: string;
  /** One line for `svf-torch --help`. */
  brief?: string;
  summary: string;
  positionals: PositionalSpec[];
  options: OptionSpec[];
  /** Extra help text (examples). */
  epilog?: string;
}

export type Parsed = Record<string, string | number | boolean | undefined>;

/** A mistake in the command line: printed with a pointer to --help, exit status 2. */
export class UsageError extends Error {}

const camel = (flag: string) => flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Options every command takes. */
export const COMMON: OptionSpec[] = [
  { name: 'json', type: 'bool', help: 'print the result as one JSON object on stdout (progress stays on stderr)' },
  { name: 'help', type: 'bool', help: 'show this help' },
];

export function parse(spec: CommandSpec, argv: string[]): Parsed {
  const options = [...spec.options, ...COMMON];
  const out: Parsed = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h') { out.help = true; continue; }
    if (!arg.startsWith('--')) { positionals.push(arg); continue; }
    const [flag, inline] = arg.slice(2).split(/=(.*)/s, 2);
    const o = options.find((x) => x.name === flag);
    if (!o) throw new UsageError(`unknown option --${flag}`);
    if (o.type === 'bool') {
      if (inline !== undefined && !['true', 'false'].includes(inline)) throw new UsageError(`--${flag} takes no value (or =true/=false)`);
      out[camel(o.name)] = inline !== 'false';
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`--${flag} needs a value (${o.metavar ?? o.type})`);
    out[camel(o.name)] = convert(o, value);
  }
  if (out.help) return out;
  if (positionals.length > spec.positionals.length) throw new UsageError(`unexpected argument ${positionals[spec.positionals.length]}`);
  spec.positionals.forEach((p, i) => {
    if (positionals[i] === undefined) throw new UsageError(`missing <${p.name}> (${p.help})`);
    out[camel(p.name)] = positionals[i];
  });
  for (const o of options) {
    const k = camel(o.name);
    if (out[k] === undefined && o.default !== undefined) out[k] = o.default;
    if (out[k] === undefined && o.required) throw new UsageError(`--${o.name} is required (${o.help})`);
  }
  return out;
}

function convert(o: OptionSpec, value: string): string | number {
  if (o.choices && !o.choices.includes(value)) throw new UsageError(`--${o.name} must be one of ${o.choices.join(', ')}, got ${value}`);
  if (o.type === 'string') return value;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || (o.type === 'int' && !Number.isInteger(n))) throw new UsageError(`--${o.name} must be ${o.type === 'int' ? 'an integer' : 'a number'}, got ${value}`);
  return n;
}

export function helpText(spec: CommandSpec): string {
  const pos = spec.positionals.map((p) => ` <${p.name}>`).join('');
  const lines = [`usage: ${spec.prog ?? `svf-torch ${spec.name}`}${pos} [options]`, '', spec.summary, ''];
  if (spec.positionals.length) {
    lines.push('arguments:');
    for (const p of spec.positionals) lines.push(`  ${`<${p.name}>`.padEnd(26)}  ${p.help}`);
    lines.push('');
  }
  lines.push('options:');
  for (const o of [...spec.options, ...COMMON]) {
    const left = o.type === 'bool' ? `--${o.name}` : `--${o.name} ${o.metavar ?? (o.choices ? o.choices.join('|') : o.type.toUpperCase())}`;
    const def = o.default !== undefined && o.type !== 'bool' ? ` (default ${o.default})` : o.required ? ' (required)' : '';
    // A left column longer than the pad still keeps two spaces before its help.
    lines.push(`  ${left.padEnd(26)}  ${o.help}${def}`);
  }
  if (spec.epilog) lines.push('', spec.epilog);
  return lines.join('\n') + '\n';
}
