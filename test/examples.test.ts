/**
 * Every file in examples/ runs against the sandbox, as a user would run it (`npx tsx examples/NAME.ts`), with the
 * sandbox's URLs and credentials in the environment. An example that exits non-zero fails this test.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../src/sandbox/index.js';
import { fixturesDir, hasFixtures, projectRoot } from './helpers/fixtures.js';

const examples = readdirSync(`${projectRoot}examples`)
  .filter((name) => name.endsWith('.ts'))
  .sort();
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => sandbox?.close());

function run(file: string, target: Sandbox): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `examples/${file}`], {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        MTS_CONFIG_DIR: '/nonexistent-mts-config',
        MTS_MOODLE_URL: target.moodle.url,
        MTS_MOODLE_TOKEN: target.moodle.token,
        MTS_TOTARA_URL: target.totara.url,
        MTS_TOTARA_CLIENT_ID: target.totara.clientId,
        MTS_TOTARA_CLIENT_SECRET: target.totara.clientSecret,
        MTS_LTI_ISSUER: target.lti.issuer,
        MTS_SANDBOX_URL: target.url,
        ...(hasFixtures ? { MTS_FIXTURES_DIR: fixturesDir } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += String(chunk);
    });
    child.stderr.on('data', (chunk) => {
      output += String(chunk);
    });
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('examples/ run against the sandbox', () => {
  it.each(examples)(
    '%s exits 0',
    async (file) => {
      const { code, output } = await run(file, sandbox);
      expect(code, output).toBe(0);
    },
    60_000,
  );
  it('has examples to run', () => {
    expect(examples.length).toBeGreaterThan(0);
  });
});

// A user's fresh clone has no ../shared, so its sandbox serves Totara from the built-in schema: the examples that
// talk to Totara must work there too.
describe.skipIf(!hasFixtures)('Totara examples against the built-in schema of a fresh clone', () => {
  let builtIn: Sandbox;
  beforeAll(async () => {
    builtIn = await startSandbox({ totara: { schemaFile: false } });
  });
  afterAll(async () => builtIn?.close());
  it.each(examples.filter((name) => /^(totara|hrimport)-/.test(name)))(
    '%s exits 0',
    async (file) => {
      const { code, output } = await run(file, builtIn);
      expect(code, output).toBe(0);
    },
    60_000,
  );
});
