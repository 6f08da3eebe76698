import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/sandbox/index.js';
import { runCli } from '../helpers/cli.js';

let sandbox: Sandbox;
let dir: string;
let env: Record<string, string>;
beforeAll(async () => {
  sandbox = await startSandbox({ moodle: { basePath: '/moodle' } });
  dir = await mkdtemp(join(tmpdir(), 'mts-moodle-cli-'));
  env = { MTS_MOODLE_URL: sandbox.moodle.url, MTS_MOODLE_TOKEN: sandbox.moodle.token };
});
afterAll(async () => {
  await sandbox?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('mts moodle', () => {
  it('call prints the result as JSON', async () => {
    const run = await runCli(
      ['moodle', 'call', 'core_user_get_users_by_field', 'field=username', 'values[0]=admin', '--json'],
      env,
    );
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as Array<{ id: number }>)[0]?.id).toBe(2);
  });

  it('call reads names as PHP does: values[] appends, users.0.email is users[0][email]', async () => {
    const run = await runCli(
      [
        'moodle',
        'call',
        'core_user_get_users_by_field',
        'field=username',
        'values[]=admin',
        'values[]=student1',
        '--json',
      ],
      env,
    );
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as Array<{ username: string }>).map((u) => u.username).sort()).toEqual([
      'admin',
      'student1',
    ]);
    const courses = await runCli(
      [
        'moodle',
        'call',
        'core_course_get_courses',
        '--params-json',
        '{"options":{}}',
        'options.ids.0=2',
        '--json',
      ],
      env,
    );
    expect((JSON.parse(courses.stdout) as Array<{ id: number }>).map((c) => c.id)).toEqual([2]);
  });

  it('call takes --params-json', async () => {
    const run = await runCli(
      ['moodle', 'call', 'core_course_get_courses', '--params-json', '{"options":{"ids":[2]}}', '--json'],
      env,
    );
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as Array<{ shortname: string }>)[0]?.shortname).toBe('SDK_XS');
  });

  it('a failure exits 1 with {error:{code,errorcode,message,hint}} and no secret', async () => {
    const run = await runCli(['moodle', 'call', 'core_webservice_get_site_info', '--json'], {
      ...env,
      MTS_MOODLE_TOKEN: 'wrongtoken0123456789',
    });
    expect(run.code).toBe(1);
    const { error } = JSON.parse(run.stdout) as { error: Record<string, string> };
    expect(error.code).toBe('moodle.invalid_token');
    expect(error.errorcode).toBe('invalidtoken');
    expect(error.hint).toBeTruthy();
    expect(run.stdout + run.stderr).not.toContain('wrongtoken0123456789');
  });

  it('a local validation failure names the path', async () => {
    const run = await runCli(['moodle', 'call', 'core_course_get_contents', 'courseid=abc', '--json'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('courseid');
  });

  it('functions lists and describes', async () => {
    const list = await runCli(['moodle', 'functions', 'core_user_get', '--json'], env);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as Array<{ name: string }>).map((r) => r.name)).toContain(
      'core_user_get_users_by_field',
    );
    const one = await runCli(['moodle', 'functions', 'core_user_get_users_by_field'], env);
    expect(one.stdout).toContain('values');
  });

  it('login saves the token to the profile without printing it', async () => {
    const config = join(dir, 'config');
    const run = await runCli(
      ['moodle', 'login', '-u', 'admin', '--url', sandbox.moodle.url, '--profile', 'sb'],
      { MTS_CONFIG_DIR: config },
      `${sandbox.moodle.password}\n`,
    );
    expect(run.code, run.stderr).toBe(0);
    const credentials = JSON.parse(await readFile(join(config, 'credentials.json'), 'utf8')) as {
      profiles: { sb: { moodleToken: string } };
    };
    const token = credentials.profiles.sb.moodleToken;
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(run.stdout + run.stderr).not.toContain(token);
    expect(run.stdout + run.stderr).not.toContain(sandbox.moodle.password);
    expect((await stat(join(config, 'credentials.json'))).mode & 0o777).toBe(0o600);
    const info = await runCli(
      ['moodle', 'call', 'core_webservice_get_site_info', '--profile', 'sb', '--json'],
      { MTS_CONFIG_DIR: config },
    );
    expect((JSON.parse(info.stdout) as { username: string }).username).toBe('admin');
  });

  it('upload and download round files through the site', async () => {
    const file = join(dir, 'hello.txt');
    await import('node:fs/promises').then((fs) => fs.writeFile(file, 'hello'));
    const up = await runCli(['moodle', 'upload', file, '--json'], env);
    expect(up.code).toBe(0);
    expect((JSON.parse(up.stdout) as { itemid: number }).itemid).toBeGreaterThan(0);
    const url = `${sandbox.moodle.url}/pluginfile.php/2003/mod_resource/content/0/resource1.txt`;
    const out = join(dir, 'resource1.txt');
    const down = await runCli(['moodle', 'download', url, '-o', out], env);
    expect(down.code, down.stderr).toBe(0);
    expect(await readFile(out, 'utf8')).toBe('The first resource of SDK_XS.\n');
  });
});
