import {
  listProfiles,
  maskedSettings,
  PROFILE_KEYS,
  type ProfileKey,
  saveProfile,
} from '../../core/config.js';
import type { CommandGroup } from '../framework.js';
import { UsageError } from '../framework.js';

const group: CommandGroup = {
  name: 'config',
  summary: 'Profiles and settings (show, set, profiles)',
  commands: [
    {
      name: 'show',
      summary: 'Show the resolved settings and where each comes from (secrets masked).',
      run(ctx) {
        const config = ctx.config();
        const settings = maskedSettings(config.settings);
        ctx.print(
          { profile: config.profile, configDir: config.configDir, settings, sources: config.sources },
          () =>
            [
              `profile: ${config.profile}${config.profileExists ? '' : ' (not saved yet)'}`,
              `config dir: ${config.configDir}`,
              ...Object.entries(settings).map(
                ([key, value]) => `  ${key} = ${String(value)}   (${config.sources[key as ProfileKey]})`,
              ),
            ].join('\n'),
        );
        return 0;
      },
    },
    {
      name: 'set',
      summary: 'Save settings into a profile: KEY=VALUE ... (secrets go to the 0600 credentials file).',
      usage: 'KEY=VALUE [KEY=VALUE ...]',
      positionals: { min: 1, max: 50 },
      options: { default: { type: 'boolean', description: 'Make this profile the default' } },
      examples: [
        'mts config set --profile prod moodleUrl=https://lms.example.org production=true',
        'mts config set moodleToken=-   (reads the token from stdin)',
      ],
      async run(ctx, input) {
        const values: Record<string, string | null> = {};
        for (const pair of input.positionals) {
          const eq = pair.indexOf('=');
          if (eq <= 0) throw new UsageError(`Expected KEY=VALUE, got "${pair.replace(/=.*/, '=…')}".`);
          const key = pair.slice(0, eq);
          if (!(key in PROFILE_KEYS))
            throw new UsageError(
              `Unknown setting "${key}".`,
              `Known settings: ${Object.keys(PROFILE_KEYS).join(', ')}.`,
            );
          let value: string | null = pair.slice(eq + 1);
          if (value === '-') value = (await readAll(ctx.io.stdin)).trim();
          values[key] = value === '' ? null : value;
        }
        const profile = ctx.profileName ?? ctx.env.MTS_PROFILE ?? listProfiles(ctx.env).defaultProfile;
        await saveProfile(profile, values as Parameters<typeof saveProfile>[1], {
          env: ctx.env,
          makeDefault: input.options.default === true,
        });
        ctx.print(
          { profile, saved: Object.keys(values) },
          () => `Saved ${Object.keys(values).join(', ')} in profile ${profile}.`,
        );
        return 0;
      },
    },
    {
      name: 'profiles',
      summary: 'List the saved profiles.',
      run(ctx) {
        const list = listProfiles(ctx.env);
        ctx.print(
          list,
          () =>
            list.profiles.map((p) => `${p === list.defaultProfile ? '*' : ' '} ${p}`).join('\n') ||
            '(no profiles yet)',
        );
        return 0;
      },
    },
  ],
};

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

export default group;
