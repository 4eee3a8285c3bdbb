/**
 * The admin CLI's frame: a command is a group and an action (`tenants list`) or a group alone
 * (`mint-key`), with positional arguments and its own options on top of the global ones. Parsing is
 * node:util parseArgs in strict mode, so an unknown option or a missing value is a usage error and
 * never silently ignored. Every failure ends in one line on stderr and a non-zero exit code:
 * 2 for a usage error (nothing was sent), 1 for a refusal or an unreachable gateway.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & { description: string; valueName?: string };

export interface Invocation {
  /** positional arguments after the command words */
  args: string[];
  /** option values of the command and the global options */
  options: Record<string, string | boolean | string[] | undefined>;
  json: boolean;
  /** the gateway's root URL and the API key (flags, then environment) */
  url: string;
  key: string | undefined;
}

/** What a command prints: `json` with --json, `text` otherwise. */
export interface Output {
  json: unknown;
  text: string;
}

export interface Command {
  /** `group action`, or `group` for a command without actions */
  name: string;
  summary: string;
  /** positional arguments, `<required>` and `[optional]`, as the usage line shows them */
  args?: string[];
  options?: Record<string, OptionSpec>;
  /** more lines for --help */
  details?: string[];
  /** runs without a gateway (mint-key works on the store directly) */
  offline?: boolean;
  run(inv: Invocation): Promise<Output>;
}

/** A usage error: wrong arguments or options (exit 2). */
export class UsageError extends Error {}
/** The gateway refused, or could not be reached (exit 1). */
export class CommandError extends Error {}

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  url: { type: 'string', valueName: 'url', description: 'gateway root URL (default $GATEWAY_URL, else http://localhost:$PORT, PORT defaulting to 8080)' },
  key: { type: 'string', valueName: 'key', description: 'API key (default $GATEWAY_ADMIN_KEY); the bootstrap admin key has every scope' },
  json: { type: 'boolean', description: 'print the result as JSON' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

const PROGRAM = 'npm run admin --';

const required = (args: readonly string[]) => args.filter((a) => a.startsWith('<')).length;

function optionLines(options: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` <${o.valueName ?? 'value'}>` : ''}${o.multiple ? ' (repeatable)' : ''}`;
    return [flag, o.description] as const;
  });
  const width = Math.max(...rows.map(([f]) => f.length));
  return rows.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`);
}

export function usageLine(cmd: Command): string {
  const opts = Object.entries(cmd.options ?? {}).map(([n, o]) => (o.type === 'string' ? `[--${n} <${o.valueName ?? 'value'}>]` : `[--${n}]`));
  return [PROGRAM, cmd.name, ...(cmd.args ?? []), ...opts].join(' ');
}

export function commandHelp(cmd: Command): string {
  return [
    `usage: ${usageLine(cmd)}`,
    '',
    cmd.summary,
    ...(cmd.details?.length ? ['', ...cmd.details] : []),
    ...(cmd.options && Object.keys(cmd.options).length ? ['', 'options:', ...optionLines(cmd.options)] : []),
    '',
    'global options:',
    ...optionLines(cmd.offline ? { json: GLOBAL_OPTIONS.json, help: GLOBAL_OPTIONS.help } : GLOBAL_OPTIONS),
  ].join('\n');
}

export function overallHelp(commands: readonly Command[], title: string): string {
  const width = Math.max(...commands.map((c) => `${c.name} ${(c.args ?? []).join(' ')}`.length));
  return [
    `usage: ${PROGRAM} <command> [arguments] [options]`,
    '',
    title,
    '',
    'commands:',
    ...commands.map((c) => `  ${`${c.name} ${(c.args ?? []).join(' ')}`.padEnd(width)}  ${c.summary}`),
    '',
    'global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    `\`${PROGRAM} <command> --help\` shows a command's arguments and options.`,
  ].join('\n');
}

/** The command words of argv: leading tokens that are not options (nor a global option's value). */
function commandWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length && words.length < 2; i++) {
    const token = argv[i]!;
    if (token === '--url' || token === '--key') i++;
    else if (!token.startsWith('-')) words.push(token);
  }
  return words;
}

export type Resolved =
  | { kind: 'help'; text: string }
  | { kind: 'run'; command: Command; invocation: Invocation };

/** Finds the command argv names and parses its arguments; throws UsageError. */
export function resolve(argv: readonly string[], commands: readonly Command[], title: string, env: NodeJS.ProcessEnv): Resolved {
  const [first, second] = commandWords(argv);
  const wantsHelp = argv.includes('--help') || argv.includes('-h');
  if (first === undefined || first === 'help') return { kind: 'help', text: overallHelp(commands, title) };
  const command = commands.find((c) => c.name === `${first} ${second}`) ?? commands.find((c) => c.name === first);
  if (command === undefined) {
    const group = commands.filter((c) => c.name.startsWith(`${first} `));
    if (group.length === 0) throw new UsageError(`unknown command "${first}" (see ${PROGRAM} --help)`);
    if (wantsHelp || second === undefined) {
      if (wantsHelp) return { kind: 'help', text: overallHelp(group, `${first}: ${group.map((c) => c.name.split(' ')[1]).join(', ')}`) };
      throw new UsageError(`${first} needs an action: ${group.map((c) => c.name.split(' ')[1]).join(', ')} (see ${PROGRAM} ${first} --help)`);
    }
    throw new UsageError(`unknown command "${first} ${second}" (see ${PROGRAM} ${first} --help)`);
  }
  if (wantsHelp) return { kind: 'help', text: commandHelp(command) };
  const words = command.name.split(' ');
  const rest = [...argv];
  for (const w of words) rest.splice(rest.indexOf(w), 1);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options: { ...GLOBAL_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs' first sentence names the option; the hint says where to look.
    const message = (error as Error).message.split(/\.\s/)[0]!.replace(/\.$/, '');
    throw new UsageError(`${message} (see ${PROGRAM} ${command.name} --help)`);
  }
  const args = parsed.positionals;
  const max = command.args?.some((a) => a.endsWith('...]') || a.endsWith('...>')) ? Infinity : (command.args?.length ?? 0);
  if (args.length < required(command.args ?? []) || args.length > max) {
    throw new UsageError(`usage: ${usageLine(command)}`);
  }
  const values = parsed.values as Invocation['options'];
  const url = (values.url as string | undefined) ?? env.GATEWAY_URL ?? `http://localhost:${env.PORT ?? 8080}`;
  if (!/^https?:\/\/[^/\s]+/.test(url)) throw new UsageError(`the gateway URL must be http(s)://host[:port]: ${url}`);
  return {
    kind: 'run',
    command,
    invocation: { args, options: values, json: values.json === true, url, key: (values.key as string | undefined) ?? env.GATEWAY_ADMIN_KEY },
  };
}

/** `on`/`off` (and yes/no, true/false) of a setting option; undefined when the option is absent. */
export function onOff(inv: Invocation, name: string): boolean | undefined {
  const value = inv.options[name];
  if (value === undefined) return undefined;
  const v = String(value).toLowerCase();
  if (['on', 'yes', 'true'].includes(v)) return true;
  if (['off', 'no', 'false'].includes(v)) return false;
  throw new UsageError(`--${name} takes on or off, not "${value}"`);
}

export const optionString = (inv: Invocation, name: string): string | undefined => inv.options[name] as string | undefined;
export const optionList = (inv: Invocation, name: string): string[] | undefined => inv.options[name] as string[] | undefined;
