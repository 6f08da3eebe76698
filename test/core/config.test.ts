import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConfigError, maskSecrets, resolveConfig, saveProfile } from '../../src/core/index.js';

let dir: string;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mts-config-'));
  env = { XDG_CONFIG_HOME: dir };
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('configuration', () => {
  it('keeps secrets in a separate credentials file created 0600', async () => {
    await saveProfile(
      'prod',
      { moodleUrl: 'https://lms.example.org/moodle', moodleToken: 'tok-abcdef-123456', production: true },
      { env },
    );
    const config = await readFile(join(dir, 'mts', 'config.json'), 'utf8');
    const credentials = await readFile(join(dir, 'mts', 'credentials.json'), 'utf8');
    expect(config).toContain('https://lms.example.org/moodle');
    expect(config).not.toContain('tok-abcdef-123456');
    expect(credentials).toContain('tok-abcdef-123456');
    expect((await stat(join(dir, 'mts', 'credentials.json'))).mode & 0o777).toBe(0o600);
  });

  it('resolves flags > environment > profile > defaults and says where each came from', async () => {
    await saveProfile(
      'prod',
      { moodleUrl: 'https://file.example', moodleToken: 'filetoken-000001', totaraUrl: 'https://t.example' },
      { env },
    );
    const resolved = resolveConfig({
      profile: 'prod',
      env: { ...env, MTS_MOODLE_URL: 'https://env.example', MTS_TOTARA_URL: '' },
      flags: { moodleToken: 'flagtoken-000002' },
      defaults: { timeoutMs: 1234 },
    });
    expect(resolved.settings).toMatchObject({
      moodleUrl: 'https://env.example',
      moodleToken: 'flagtoken-000002',
      totaraUrl: 'https://t.example',
      timeoutMs: 1234,
    });
    expect(resolved.sources).toMatchObject({
      moodleUrl: 'env',
      moodleToken: 'flag',
      totaraUrl: 'profile',
      timeoutMs: 'default',
    });
    expect(maskSecrets('token=flagtoken-000002')).toBe('token=***');
  });

  it('chooses the profile from MTS_PROFILE and refuses an unknown one with a hint', async () => {
    await saveProfile('staging', { moodleUrl: 'https://staging.example' }, { env });
    expect(resolveConfig({ env: { ...env, MTS_PROFILE: 'staging' } }).settings.moodleUrl).toBe(
      'https://staging.example',
    );
    let error: ConfigError | undefined;
    try {
      resolveConfig({ env, profile: 'nope' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.code).toBe('config.unknown_profile');
    expect(error?.hint).toContain('staging');
  });

  it('warns when the credentials file is readable by others, and rejects a broken file with its path', async () => {
    await saveProfile('default', { moodleToken: 'tok-warn-000003' }, { env });
    const { chmod } = await import('node:fs/promises');
    await chmod(join(dir, 'mts', 'credentials.json'), 0o644);
    expect(resolveConfig({ env }).warnings.join()).toMatch(/chmod 600/);
    await writeFile(join(dir, 'mts', 'config.json'), '{oops');
    expect(() => resolveConfig({ env })).toThrowError(
      expect.objectContaining({ code: 'config.invalid_json' }),
    );
  });
});
