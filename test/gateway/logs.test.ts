/**
 * Logs: pino lines on stderr (nothing on stdout), one access line per request (method, route
 * template, status, duration, request id, tenant), and error replies logged at the level they
 * deserve: a client error or a 501 is `info` without a stack, a 503 `warn`, only a fault `error`.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { GatewayError } from '../../server/http/errors.ts';
import { errorLogLevel } from '../../server/http/mount-api.ts';
import { startTestGateway, type TestGateway } from '../helpers/gateway.ts';

type Line = Record<string, unknown> & { level: number; msg: string };
const lines: Line[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const text of chunk.toString('utf8').split('\n')) if (text) lines.push(JSON.parse(text) as Line);
    done();
  },
});
let gw: TestGateway;

test.before(async () => {
  gw = await startTestGateway({}, { log: pino({ level: 'info' }, sink) });
});
test.after.always(async () => {
  await gw?.stop();
});

const accessLine = (requestId: string) => lines.find((l) => l.msg === 'request' && l.requestId === requestId);

test.serial('one access line per request, with the route template and the tenant', async (t) => {
  const user = await gw.createUser('default');
  const requestId = 'access-log-test-1';
  const res = await fetch(`${gw.url}/api/users/default/${user.id}`, { headers: { 'X-API-Key': gw.adminKey, 'X-Request-Id': requestId } });
  t.is(res.status, 200);
  await new Promise((r) => setImmediate(r));
  const matching = lines.filter((l) => l.msg === 'request' && l.requestId === requestId);
  t.is(matching.length, 1);
  const line = matching[0]!;
  t.is(line.level, 30);
  t.is(line.method, 'GET');
  t.is(line.route, '/api/users/{tenant_id}/{user_id}', 'the template, not the user id');
  t.is(line.status, 200);
  t.is(typeof line.ms, 'number');
  t.is(line.tenant, 'default');
  t.is(line.operationId, 'getUser');
  t.false(JSON.stringify(line).includes(user.id), 'no id of the path in the line');
});

test.serial('the caller\'s tenant when the path names none; a path outside every API logs its path', async (t) => {
  await fetch(`${gw.url}/api/keys`, { headers: { 'X-API-Key': gw.adminKey, 'X-Request-Id': 'access-log-test-2' } });
  await fetch(`${gw.url}/nowhere/at-all?secret=1`, { headers: { 'X-Request-Id': 'access-log-test-3' } });
  await new Promise((r) => setImmediate(r));
  t.is(accessLine('access-log-test-2')?.route, '/api/keys');
  t.is(accessLine('access-log-test-2')?.tenant, 'default', 'the bootstrap key is tenant default');
  const outside = accessLine('access-log-test-3')!;
  t.is(outside.path, '/nowhere/at-all', 'without the query');
  t.is(outside.status, 404);
  t.is(outside.route, undefined);
});

test.serial('a client error is logged at info, without a stack', async (t) => {
  const res = await fetch(`${gw.url}/api/users/default/no-such-user`, { headers: { 'X-API-Key': gw.adminKey, 'X-Request-Id': 'access-log-test-4' } });
  t.is(res.status, 404);
  await new Promise((r) => setImmediate(r));
  const mine = lines.filter((l) => l.requestId === 'access-log-test-4');
  t.true(mine.length >= 2, 'the error line and the access line');
  for (const l of mine) {
    t.true(l.level <= 30, JSON.stringify(l));
    t.false('err' in l);
    t.notRegex(JSON.stringify(l), /\\n\s+at /);
  }
});

test('levels of error replies: 4xx and 501 info, 503 warn, faults error', (t) => {
  t.is(errorLogLevel(new GatewayError('not_implemented', 'later')), 'info');
  t.is(errorLogLevel(new GatewayError('not_found', 'no')), 'info');
  t.is(errorLogLevel(new GatewayError('rate_limited', 'slow down')), 'info');
  t.is(errorLogLevel(new GatewayError('unavailable', 'starting')), 'warn');
  t.is(errorLogLevel(new GatewayError('internal', 'boom')), 'error');
});

test('the gateway logger writes to stderr, not stdout', async (t) => {
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '-e', "const { createLogger } = await import('./server/logger.ts'); createLogger('info').info('to stderr');"],
    { cwd: new URL('../../', import.meta.url) },
  );
  t.is(stdout, '');
  t.regex(stderr, /"msg":"to stderr"/);
});
