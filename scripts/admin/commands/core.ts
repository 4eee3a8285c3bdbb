/**
 * The crypto core (core-wasm/README.md) on the operator API: which core serves, a hot swap to a
 * new module after its self-test vectors pass, a rollback to the previous core, and the history.
 * `npm run core -- <action>` is the same as `npm run admin -- core <action>`.
 */
import { readFile } from 'node:fs/promises';
import type { components } from '../../../generated/gateway/schema.ts';
import { CommandError, optionString, UsageError, type Command } from '../cli.ts';
import { clientsFor, unwrap } from '../connection.ts';
import { fields, table } from '../format.ts';

type CoreInfo = components['schemas']['CoreInfo'];
type CoreStatus = components['schemas']['CoreStatus'];

const coreLine = (c: CoreInfo | null | undefined) => (c ? `${c.name} ${c.version} (${c.sha256 === 'reference' ? 'reference' : c.sha256.slice(0, 12)}, ${c.source})` : null);

const statusOutput = (s: CoreStatus) => ({
  json: s,
  text: fields([
    ['active', coreLine(s.active)],
    ['previous', coreLine(s.previous)],
    ['desired', coreLine(s.desired)],
    ['on reference core', s.onReference],
    ...(s.fallbackReason ? [['fallback reason', s.fallbackReason] as const] : []),
  ]),
});

export const coreCommands: Command[] = [
  {
    name: 'core status',
    summary: 'show which crypto core serves (needs a platform admin key)',
    async run(inv) {
      const { gateway } = clientsFor(inv);
      return statusOutput(unwrap(await gateway.GET('/core'), 'core status'));
    },
  },
  {
    name: 'core swap',
    summary: 'swap in a crypto core module after it passes its self-test vectors',
    args: ['<file.wasm>'],
    async run(inv) {
      const file = inv.args[0]!;
      const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
        throw new CommandError(`cannot read ${file}: ${error.code ?? error.message}`);
      });
      const { gateway } = clientsFor(inv);
      const result = await gateway.POST('/core/swap', {
        // The spec types a binary body as a string; the runtime sends a Uint8Array as it is.
        body: new Uint8Array(bytes) as unknown as string,
        headers: { 'Content-Type': 'application/octet-stream' },
      });
      return statusOutput(unwrap(result, `swap to ${file}`));
    },
  },
  {
    name: 'core rollback',
    summary: 'go back to the previous crypto core',
    async run(inv) {
      const { gateway } = clientsFor(inv);
      return statusOutput(unwrap(await gateway.POST('/core/rollback'), 'rollback'));
    },
  },
  {
    name: 'core history',
    summary: 'list the crypto core events, newest first',
    args: ['[limit]'],
    options: { limit: { type: 'string', valueName: 'n', description: 'at most n events (1 to 500)' } },
    async run(inv) {
      const raw = optionString(inv, 'limit') ?? inv.args[0];
      const limit = raw === undefined ? undefined : Number(raw);
      if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 500)) throw new UsageError('history limit: an integer from 1 to 500');
      const { gateway } = clientsFor(inv);
      const { events } = unwrap(await gateway.GET('/core/history', { params: { query: limit === undefined ? {} : { limit } } }), 'core history');
      return {
        json: { events },
        text: table(['AT', 'EVENT', 'FROM', 'TO', 'ACTOR'], events.map((e) => [e.at, e.kind, coreLine(e.from), coreLine(e.to), e.actor])),
      };
    },
  },
];
