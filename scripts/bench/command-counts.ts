/**
 * Database commands per operation (round trips to the store), counted with the driver's command
 * monitoring on a gateway with the embedded engine: the first run of each operation (cold caches)
 * and the steady state (second run), with the commands of the steady state by name. The
 * operations and their budgets live in test/helpers/command-counts.ts, which
 * test/gateway/command-counts.test.ts holds to the budgets.
 */
import { startTestGateway } from '../../test/helpers/gateway.ts';
import { countOperations, stillClock, summarize } from '../../test/helpers/command-counts.ts';

const gw = await startTestGateway({ VALIDATE_RESPONSES: '0' }, { monitorCommands: true, clock: stillClock() });
try {
  const counts = await countOperations(gw);
  console.log(`\nDatabase commands per operation (driver command monitoring, embedded store)\n`);
  console.log(`${'operation'.padEnd(44)} ${'cold'.padStart(5)} ${'warm'.padStart(5)} ${'goal'.padStart(5)}  commands (warm)`);
  for (const c of counts) {
    const goal = `≤${c.goal ?? c.budget}`;
    console.log(`${c.name.padEnd(44)} ${String(c.cold.length).padStart(5)} ${String(c.warm.length).padStart(5)} ${goal.padStart(5)}  ${summarize(c.warm)}`);
  }
} finally {
  await gw.stop();
}
