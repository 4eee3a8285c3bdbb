// `npm run admin -- <command>`: the operator CLI of the gateway (`npm run admin -- --help` lists
// every command). Commands talk to a running gateway with the generated typed clients (clients/),
// at GATEWAY_URL (or --url) with the API key GATEWAY_ADMIN_KEY (or --key); `mint-key` works on
// the store itself. Output is text, or JSON with --json; a failure is one line on stderr with
// exit code 1 (2 for a usage error).
import { CommandError, resolve, UsageError } from './admin/cli.ts';
import { commands } from './admin/commands/index.ts';
import { TITLE } from './admin/title.ts';

async function main(argv: string[]): Promise<number> {
  const resolved = resolve(argv, commands, TITLE, process.env);
  if (resolved.kind === 'help') {
    process.stdout.write(`${resolved.text}\n`);
    return 0;
  }
  const output = await resolved.command.run(resolved.invocation);
  process.stdout.write(resolved.invocation.json ? `${JSON.stringify(output.json, null, 2)}\n` : `${output.text}\n`);
  return 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  const expected = error instanceof UsageError || error instanceof CommandError;
  // An unexpected error is still one line: its message, never a stack trace.
  process.stderr.write(`admin: ${expected ? error.message : `unexpected error: ${(error as Error)?.message ?? String(error)}`}\n`);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
