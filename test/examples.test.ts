/**
 * Every file in examples/ runs against the sandbox, as a user would run it (`npx tsx examples/NAME.ts`), with the
 * sandbox's URLs and credentials in the environment. An example that exits non-zero fails this test.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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

/** The environment of a user whose site is `target` (or who set nothing at all). */
function siteEnv(target: Sandbox | undefined): NodeJS.ProcessEnv {
  if (!target) return {};
  return {
    MTS_MOODLE_URL: target.moodle.url,
    MTS_MOODLE_TOKEN: target.moodle.token,
    MTS_TOTARA_URL: target.totara.url,
    MTS_TOTARA_CLIENT_ID: target.totara.clientId,
    MTS_TOTARA_CLIENT_SECRET: target.totara.clientSecret,
    MTS_LTI_ISSUER: target.lti.issuer,
    MTS_SANDBOX_URL: target.url,
  };
}

function run(
  file: string,
  target: Sandbox | undefined,
  extra: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `examples/${file}`], {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        MTS_CONFIG_DIR: '/nonexistent-mts-config',
        ...siteEnv(target),
        ...(hasFixtures ? { MTS_FIXTURES_DIR: fixturesDir } : {}),
        ...extra,
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

// As the README shows them: `npx tsx examples/moodle-site-info.ts` with nothing configured runs on a sandbox the
// example starts itself; half a configuration is one line naming the variables, never a stack trace.
describe('examples with no site configured', () => {
  const siteExamples = examples.filter((name) =>
    /process\.env[\s\S]*startSandbox\(|startSandbox\([\s\S]*process\.env/.test(
      readFileSync(`${projectRoot}examples/${name}`, 'utf8'),
    ),
  );
  it('covers every example that reads a site from the environment', () => {
    expect(siteExamples.length).toBeGreaterThanOrEqual(7);
  });
  it.each(siteExamples)(
    '%s exits 0 on its own sandbox',
    async (file) => {
      const { code, output } = await run(file, undefined);
      expect(code, output).toBe(0);
      expect(output).not.toMatch(/\n\s+at /);
    },
    60_000,
  );

  it('says in one line which variables to set when only the URL is set', async () => {
    const moodle = await run('moodle-site-info.ts', undefined, { MTS_MOODLE_URL: 'https://lms.example.org' });
    expect(moodle.code).toBe(2);
    expect(moodle.output.trim()).toBe(
      'Set both MTS_MOODLE_URL and MTS_MOODLE_TOKEN for your site, or neither for the local sandbox.',
    );
    const totara = await run('totara-users.ts', undefined, { MTS_TOTARA_URL: 'https://learn.example.org' });
    expect(totara.code).toBe(2);
    expect(totara.output.trim().split('\n')).toHaveLength(1);
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
