/**
 * The README's examples run as written: every command of the "curl, per API" block and every
 * typed-client example, against a test gateway, with the placeholders the README names (`GW`,
 * `KEY`, `NATIVE_TOKEN`, `ID_TOKEN`) set by the test. A command must succeed and get no 5xx except
 * a 501 of an operation not written yet; a client example must exit 0. Nothing may change the
 * serving crypto core.
 */
import test from 'ava';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as demo from '../server/ops/demo-page/demo.js';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { completeUrl, loginFor, visit } from './vault/_oidc.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README has no section ${title}`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}
const blocks = (text: string, lang: string) => [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);

/** The curl commands of the section, continuation lines joined. */
const curlCommands = blocks(section('curl, per API'), 'sh')
  .flatMap((b) => b.replace(/\\\n\s*/g, '').split('\n'))
  .filter((l) => l.startsWith('curl '));
const clientExamples = blocks(section('Typed clients'), 'ts');

let gw: TestGateway;
let env: Record<string, string>;
test.before(async () => {
  gw = await startTestGateway();
  // An ID token of tenant default, from the seeded demo client's code flow.
  const cfg: demo.DemoConfig = { issuer: `${gw.config.publicUrl}/api/oidc/default`, clientId: 'demo', redirectUri: `${gw.config.publicUrl}/demo/callback`, postLogoutRedirectUri: `${gw.config.publicUrl}/demo/`, scope: 'openid email profile' };
  const user = await gw.createUser('default', 'readme-reader');
  const { verifier, challenge } = await demo.pkcePair();
  const toLogin = await visit(demo.authorizeUrl(cfg, { challenge, state: 's', nonce: 'n' }));
  const login = await loginFor(gw, 'default', user.id, toLogin.location!);
  const back = await visit(completeUrl(cfg.issuer, login.authReqId, login.nonce));
  const tokens = await demo.exchangeCode(cfg, { code: back.location!.searchParams.get('code')!, verifier });
  env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', GW: gw.url, KEY: gw.adminKey, NATIVE_TOKEN: 'readme-native-token-0123456789', ID_TOKEN: tokens.id_token };
});
test.after.always(() => gw?.stop());

test('the README has the examples this test runs', (t) => {
  t.true(curlCommands.length >= 9, curlCommands.join('\n'));
  t.is(clientExamples.length, 5);
});

test.serial('every curl example works as written', async (t) => {
  const before = (await gw.clients.admin.gateway.GET('/core')).data?.active;
  for (const command of curlCommands) {
    const { stdout } = await run('bash', ['-c', `${command} -o /dev/null -w '%{http_code}'`], { cwd: root, env });
    const status = Number(stdout.trim().split('\n').at(-1));
    t.true(status >= 200 && (status < 500 || status === 501), `${command} answered ${status}`);
  }
  t.deepEqual((await gw.clients.admin.gateway.GET('/core')).data?.active, before, 'the serving core is unchanged');
});

test.serial('every typed-client example runs from the repository root', async (t) => {
  const before = (await gw.clients.admin.gateway.GET('/core')).data?.active;
  for (const [i, code] of clientExamples.entries()) {
    // Saved in the root, as the README says, so that `./clients/` resolves.
    const file = join(root, `.readme-example-${process.pid}-${i}.ts`);
    writeFileSync(file, code);
    try {
      const { stderr } = await run(process.execPath, ['--import', 'tsx', file], { cwd: root, env });
      t.notRegex(stderr, /Error|undefined/, `example ${i}: ${stderr}`);
    } catch (error) {
      t.fail(`example ${i} failed: ${(error as { stderr?: string }).stderr ?? error}\n${code}`);
    } finally {
      rmSync(file, { force: true });
    }
  }
  t.deepEqual((await gw.clients.admin.gateway.GET('/core')).data?.active, before, 'no example rolls the core back');
});
