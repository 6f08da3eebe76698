import { type CommandGroup, command, readStream, UsageError } from '../framework.js';

const show = command({
  name: 'show',
  summary: 'Show the resolved settings and where each comes from (secrets masked).',
  async run(ctx) {
    const { maskedSettings } = await import('../../core/config.js');
    const config = ctx.config();
    const settings = maskedSettings(config.settings);
    ctx.print(
      { profile: config.profile, configDir: config.configDir, settings, sources: config.sources },
      () =>
        [
          `profile: ${config.profile}${config.profileExists ? '' : ' (not saved yet)'}`,
          `config dir: ${config.configDir}`,
          ...Object.entries(settings).map(
            ([key, value]) =>
              `  ${key} = ${String(value)}   (${config.sources[key as keyof typeof config.sources]})`,
          ),
        ].join('\n'),
    );
    return 0;
  },
});

const set = command({
  name: 'set',
  summary: 'Save settings into a profile: KEY=VALUE ... (secrets go to the 0600 credentials file).',
  usage: 'KEY=VALUE [KEY=VALUE ...]',
  description:
    'A URL must be whole, with its scheme (https://...). A secret given as KEY=- is read from stdin, so that it\n' +
    'stays out of the shell history and the process list; typed on the command line, it is saved with a warning.',
  positionals: { min: 1, max: 50 },
  options: { default: { type: 'boolean', description: 'Make this profile the default' } },
  examples: [
    'mts config set --profile prod moodleUrl=https://lms.example.org production=true',
    'mts config set moodleToken=-   (reads the token from stdin)',
  ],
  async run(ctx, input) {
    const { listProfiles, PROFILE_KEYS, saveProfile } = await import('../../core/config.js');
    type Values = Parameters<typeof saveProfile>[1];
    const values: Record<string, string | null> = {};
    const typedSecrets: string[] = [];
    for (const pair of input.positionals) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new UsageError(`Expected KEY=VALUE, got "${pair.replace(/=.*/, '=…')}".`);
      const key = pair.slice(0, eq);
      if (!Object.hasOwn(PROFILE_KEYS, key))
        throw new UsageError(
          `Unknown setting "${key}".`,
          `Known settings: ${Object.keys(PROFILE_KEYS).join(', ')}.`,
        );
      let value: string | null = pair.slice(eq + 1);
      if (value === '-') value = (await readStream(ctx.io.stdin)).trim();
      else if (value !== '' && PROFILE_KEYS[key as keyof typeof PROFILE_KEYS].secret) typedSecrets.push(key);
      values[key] = value === '' ? null : value;
    }
    const profile = ctx.profileName ?? ctx.env.MTS_PROFILE ?? listProfiles(ctx.env).defaultProfile;
    await saveProfile(profile, values as Values, { env: ctx.env, makeDefault: input.flag('default') });
    for (const key of typedSecrets)
      ctx.warn(
        `${key} was typed on the command line: it stays in your shell history and other users can see it in the ` +
          `process list while mts runs. Next time pipe it in: \`echo "$SECRET" | mts config set ${key}=-\`.`,
      );
    ctx.print(
      { profile, saved: Object.keys(values) },
      () => `Saved ${Object.keys(values).join(', ')} in profile ${profile}.`,
    );
    return 0;
  },
});

const profiles = command({
  name: 'profiles',
  summary: 'List the saved profiles.',
  async run(ctx) {
    const { listProfiles } = await import('../../core/config.js');
    const list = listProfiles(ctx.env);
    ctx.print(
      list,
      () =>
        list.profiles.map((p) => `${p === list.defaultProfile ? '*' : ' '} ${p}`).join('\n') ||
        '(no profiles yet)',
    );
    return 0;
  },
});

const group: CommandGroup = {
  name: 'config',
  summary: 'Profiles and settings (show, set, profiles)',
  commands: [show, set, profiles],
};

export default group;
