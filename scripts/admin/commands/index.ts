/** Every admin CLI command, in the order `--help` lists them. */
import type { Command } from '../cli.ts';
import { blockCommands } from './blocks.ts';
import { clientCommands } from './clients.ts';
import { coreCommands } from './core.ts';
import { keyCommands } from './keys.ts';
import { mintKeyCommand } from './mint-key.ts';
import { passkeyCommands } from './passkeys.ts';
import { tenantCommands } from './tenants.ts';
import { userCommands } from './users.ts';

export const commands: readonly Command[] = [
  ...tenantCommands,
  ...passkeyCommands,
  ...clientCommands,
  ...userCommands,
  ...keyCommands,
  ...blockCommands,
  ...coreCommands,
  mintKeyCommand,
];
