import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { saveProfile } from '../../src/core/config.js';
import { startSandbox } from '../../src/sandbox/server.js';
import { memoryRepl, tempConfigDir } from './helpers.js';

describe('the REPL through in-memory streams', () => {
  let config: Awaited<ReturnType<typeof tempConfigDir>>;
  beforeEach(async () => {
    config = await tempConfigDir();
  });
  afterEach(async () => {
    await config.cleanup();
  });

  it('answers moodle.call on the in-process sandbox, shows record lists as tables, and saves the last result', async () => {
    const repl = memoryRepl({ MTS_CONFIG_DIR: config.dir });
    await repl.waitFor('sandbox> ');
    // node's REPL reads the next line of a non-terminal stream while an await is pending: wait for each result
    repl.type('const r = await moodle.call("core_course_get_courses_by_field"); "loaded"');
    await repl.waitFor("'loaded'");
    repl.type('r.courses.map((c) => ({ id: c.id, shortname: c.shortname }))');
    const out = await repl.waitFor(/id\s+shortname\n--/);
    expect(out).toMatch(/\(\d+ rows\)/);
    const file = join(config.dir, 'courses.json');
    repl.type(`.save ${file}`);
    await repl.waitFor('saved to');
    expect(await repl.end()).toBe(0);
    const saved = JSON.parse(await readFile(file, 'utf8')) as Array<{ shortname: string }>;
    expect(saved.length).toBeGreaterThan(0);
    expect(saved[0]).toHaveProperty('shortname');
  });

  it('keeps no secret in the history file after a session that typed some', async () => {
    const repl = memoryRepl({ MTS_CONFIG_DIR: config.dir });
    await repl.waitFor('sandbox> ');
    repl.type("const login = { username: 'admin', password: 'Hunter2-very-secret' }");
    repl.type("const t = 'sandbox0000000000000000000000moodle'");
    repl.type("await moodle.login('admin', 'Sandbox-admin-1').then(() => 'logged in', () => 'no')");
    await repl.waitFor(/'(logged in|no)'/);
    repl.type('6 * 7');
    await repl.waitFor('42');
    await repl.end();
    const path = join(config.dir, 'repl-history', 'sandbox.txt');
    const history = await readFile(path, 'utf8');
    expect((await stat(path)).mode & 0o077).toBe(0);
    expect(history).toContain('6 * 7');
    expect(history).toContain("password: '***'");
    for (const secret of ['Hunter2-very-secret', 'sandbox0000000000000000000000moodle', 'Sandbox-admin-1'])
      expect(history).not.toContain(secret);
  });

  it('refuses a write function on a production profile until .confirm, and lets reads through', async () => {
    const sandbox = await startSandbox();
    try {
      await saveProfile(
        'prod',
        { moodleUrl: sandbox.moodle.url, moodleToken: sandbox.moodle.token, production: true },
        { env: { MTS_CONFIG_DIR: config.dir } },
      );
      const repl = memoryRepl({ MTS_CONFIG_DIR: config.dir }, { profile: 'prod' });
      await repl.waitFor('prod (ro)> ');
      const before = await sandbox_courseCount(repl);
      repl.type(
        'await moodle.call("core_course_create_courses", { courses: [{ fullname: "Made in REPL", shortname: "REPL1", categoryid: 1 }] })',
      );
      await repl.waitFor('repl.read_only');
      expect(await sandbox_courseCount(repl)).toBe(before);
      repl.type('.confirm');
      await repl.waitFor('running core_course_create_courses');
      await repl.waitFor('REPL1');
      expect(await sandbox_courseCount(repl)).toBe(before + 1);
      await repl.end();
    } finally {
      await sandbox.close();
    }
  });

  it('switches site with .profile: new prompt, new clients, history kept per profile', async () => {
    const other = await startSandbox({ moodle: { token: 'other-sandbox-token-0000000000001' } });
    try {
      const env = { MTS_CONFIG_DIR: config.dir };
      await saveProfile('lab', { moodleUrl: other.moodle.url, moodleToken: other.moodle.token }, { env });
      const repl = memoryRepl(env);
      await repl.waitFor('sandbox> ');
      repl.type('.profile lab');
      await repl.waitFor(`lab: Moodle ${other.moodle.url}`);
      repl.type('moodle.url');
      await repl.waitFor(other.moodle.url);
      repl.type('"on " + (await moodle.call("core_webservice_get_site_info")).siteurl');
      await repl.waitFor(`'on ${other.moodle.url}`);
      await repl.end();
      const lab = await readFile(join(config.dir, 'repl-history', 'lab.txt'), 'utf8');
      expect(lab).toContain('core_webservice_get_site_info');
      const sandboxHistory = await readFile(join(config.dir, 'repl-history', 'sandbox.txt'), 'utf8').catch(
        () => '',
      );
      expect(sandboxHistory).not.toContain('core_webservice_get_site_info');
    } finally {
      await other.close();
    }
  });

  it('runs a multi-line GraphQL document in the .gql mode and refuses mutations there when read-only', async () => {
    const repl = memoryRepl({ MTS_CONFIG_DIR: config.dir });
    await repl.waitFor('sandbox> ');
    repl.type('.gql');
    await repl.waitFor('GraphQL mode');
    repl.type('{');
    repl.type('  totara_webapi_status {');
    repl.type('    status');
    repl.type('  }');
    repl.type('}');
    await repl.waitFor("status: 'ok'");
    repl.type('.readonly on');
    await repl.waitFor('read-only on');
    repl.type('mutation { core_user_delete_user(target_user: { id: 2 }) { user_id } }');
    await repl.waitFor('repl.read_only');
    expect(await repl.end()).toBe(0);
  });
});

async function sandbox_courseCount(repl: ReturnType<typeof memoryRepl>): Promise<number> {
  repl.type('"count=" + (await moodle.call("core_course_get_courses_by_field")).courses.length');
  const out = await repl.waitFor(/count=\d+/);
  const all = [...out.matchAll(/count=(\d+)/g)];
  return Number(all.at(-1)?.[1]);
}

describe('the prompt', () => {
  it('is red for a production profile and says read-only', async () => {
    const config = await tempConfigDir();
    try {
      const env = { MTS_CONFIG_DIR: config.dir };
      await saveProfile('live', { moodleUrl: 'http://127.0.0.1:9', production: true }, { env });
      await saveProfile('lab', { moodleUrl: 'http://127.0.0.1:9' }, { env });
      const live = memoryRepl({ ...env, NO_COLOR: undefined, FORCE_COLOR: '1' }, { profile: 'live' });
      await live.waitFor('\u001b[31mlive\u001b[39m \u001b[2m(ro)\u001b[22m> ');
      await live.end();
      const lab = memoryRepl({ ...env, NO_COLOR: undefined, FORCE_COLOR: '1' }, { profile: 'lab' });
      const out = await lab.waitFor('> ');
      expect(out).toContain('\u001b[36mlab\u001b[39m> ');
      await lab.end();
    } finally {
      await config.cleanup();
    }
  });
});
