/**
 * Round trips to the store per operation, held to their budgets (test/helpers/command-counts.ts):
 * counted with the driver's command monitoring, so deterministic, unlike timings. A change that
 * adds a command to a hot path fails here; one that removes some lowers the budget.
 */
import test from 'ava';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';
import { countOperations, stillClock, summarize } from '../helpers/command-counts.ts';

let gw: TestGateway;
test.before(async () => {
  gw = await startTestGateway({}, { monitorCommands: true, clock: stillClock() });
});
test.after.always(() => gw?.stop());

test('each hot path sends at most its budget of database commands once warm', async (t) => {
  for (const c of await countOperations(gw)) {
    t.true(c.warm.length <= c.budget, `${c.name}: ${c.warm.length} commands (${summarize(c.warm)}), budget ${c.budget}`);
    t.log(`${c.name}: cold ${c.cold.length}, warm ${c.warm.length} (${summarize(c.warm)})`);
  }
});
