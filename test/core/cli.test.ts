import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('mts command line', () => {
  it('exits 2 with a hint for an unknown area, and 0 for --help at every level', async () => {
    const bad = await runCli(['nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Unknown area "nope"');
    for (const args of [
      ['--help'],
      ['config', '--help'],
      ['config', 'set', '--help'],
      ['sandbox', '--help'],
    ]) {
      const run = await runCli(args);
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.stdout).toMatch(/^Usage: mts/);
    }
  });

  it('prints usage errors as JSON with --json and exits 2', async () => {
    const run = await runCli(['config', 'set', 'notakey=1', '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({ error: expect.objectContaining({ code: 'cli.usage' }) });
  });

  it('saves a profile and never shows its secret', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mts-cli-'));
    try {
      const env = { MTS_CONFIG_DIR: dir };
      const set = await runCli(
        ['config', 'set', '--profile', 'lab', 'moodleUrl=https://lab.example', 'moodleToken=-', '--default'],
        env,
        'lab-token-1234567\n',
      );
      expect(set.code).toBe(0);
      const show = await runCli(['config', 'show', '--json'], env);
      expect(show.code).toBe(0);
      const shown = JSON.parse(show.stdout);
      expect(shown.profile).toBe('lab');
      expect(shown.settings).toEqual({ moodleUrl: 'https://lab.example', moodleToken: '***' });
      expect(show.stdout + show.stderr).not.toContain('lab-token-1234567');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('usage errors a person can act on', () => {
  it('names the real command and the unknown option, and suggests a near one', async () => {
    const run = await runCli(['config', 'set', 'moodleUrl=x', '--defualt']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Unknown option --defualt. Did you mean --default?');
    expect(run.stderr).toContain('See `mts config set --help`.');
    expect(run.stderr).not.toContain('mts ...');
  });

  it('gives every usage error a hint, also in --json', async () => {
    const run = await runCli(['config', 'set', '--json']);
    expect(run.code).toBe(2);
    const { error } = JSON.parse(run.stdout);
    expect(error.code).toBe('cli.usage');
    expect(error.hint).toMatch(/mts config set --help/);
  });

  it('keeps long option names apart from their descriptions in --help', async () => {
    const run = await runCli(['lti', 'doctor', '--help']);
    expect(run.stdout).toContain('--openid-configuration');
    for (const line of run.stdout.split('\n').filter((l) => l.trimStart().startsWith('-'))) {
      expect(line, line).toMatch(/^\s+\S.*\S {2,}\S/);
    }
  });
});

describe('what a usage error prints', () => {
  it('is the message, the hint and the usage line, not the whole help again', async () => {
    const run = await runCli(['config', 'set', 'moodleUrl=https://x.example', '--defualt']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: mts config set KEY=VALUE [KEY=VALUE ...] [options]');
    expect(run.stderr).not.toContain('Global options:');
    expect(run.stderr).not.toContain('Examples:');
    expect(run.stderr.trim().split('\n')).toHaveLength(4);
  });
});

describe('mts config set refuses what could only fail later', () => {
  it('refuses a URL without a scheme, says how to write it, and saves nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mts-cli-'));
    try {
      const env = { MTS_CONFIG_DIR: dir };
      const run = await runCli(['config', 'set', 'moodleUrl=lms.example.org', 'production=true'], env);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('"lms.example.org" has no scheme');
      expect(run.stderr).toContain('code: config.invalid_url');
      expect(run.stderr).toContain('hint: Write it with its scheme: moodleUrl=https://lms.example.org');
      const show = JSON.parse((await runCli(['config', 'show', '--json'], env)).stdout);
      expect(show.settings).toEqual({});
      const ftp = await runCli(['config', 'set', 'totaraUrl=ftp://learn.example.org'], env);
      expect(ftp.stderr).toContain('is not an http(s) address');
      // the same check applies to the environment, naming the variable
      const fromEnv = await runCli(['config', 'show'], { ...env, MTS_MOODLE_URL: 'lms.example.org' });
      expect(fromEnv.code).toBe(1);
      expect(fromEnv.stderr).toContain('MTS_MOODLE_URL: "lms.example.org" has no scheme');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('warns when a secret is typed on the command line, and not when it comes from stdin', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mts-cli-'));
    try {
      const env = { MTS_CONFIG_DIR: dir };
      const typed = await runCli(['config', 'set', 'moodleToken=typed-token-1234567'], env);
      expect(typed.code).toBe(0);
      expect(typed.stderr).toContain('warning: moodleToken was typed on the command line');
      expect(typed.stderr).toContain('mts config set moodleToken=-');
      expect(typed.stderr).not.toContain('typed-token-1234567');
      const piped = await runCli(['config', 'set', 'moodleToken=-'], env, 'piped-token-1234567\n');
      expect(piped.code).toBe(0);
      expect(piped.stderr).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('messages in good English', () => {
  it('says "a user column", not "an user column"', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mts-cli-'));
    try {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(
        join(dir, 'user.csv'),
        'idnumber,username,firstname,lastname,email,timemodified,deleted,nickname\n7,ann,Ann,Lee,ann@example.org,0,0,x\n',
      );
      const run = await runCli(['hrimport', 'validate', join(dir, 'user.csv')]);
      expect(run.stdout).toContain('Column "nickname" is not a user column');
      expect(run.stdout).not.toContain('an user');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
