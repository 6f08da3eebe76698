import { type CommandGroup, command } from '../framework.js';

const run = command({
  name: 'repl',
  summary: 'Open the interactive prompt (on the sandbox when no site is configured).',
  description:
    'Preloads moodle, totara, lti, hrimport and mbz bound to the profile (--profile, MTS_PROFILE), or to a sandbox\n' +
    "started in-process when none is configured. Tab completes the site's functions, parameters and GraphQL fields;\n" +
    '.help lists the dot-commands. History is kept per profile with secrets removed. Production profiles are\n' +
    'read-only: write functions and mutations are refused until confirmed (.confirm, .readonly off, --write).\n' +
    'With -e CODE, or with input piped in, each statement runs in turn, results go to stdout, and the exit code is 1\n' +
    'at the first failure.',
  options: {
    eval: {
      type: 'string',
      short: 'e',
      description: 'Evaluate CODE (JavaScript or a dot-command), print the result and exit',
      valueName: 'CODE',
    },
    write: { type: 'boolean', description: 'Allow write functions and mutations without confirmation' },
    'read-only': { type: 'boolean', description: 'Refuse write functions and mutations on any profile' },
    sandbox: { type: 'boolean', description: 'Use the in-process sandbox even when a profile is configured' },
  },
  examples: [
    'mts repl',
    'mts repl --profile prod',
    `mts repl -e 'await moodle.call("core_webservice_get_site_info")'`,
    `mts repl -e '.describe core_course_get_courses_by_field'`,
    `echo 'await moodle.call("core_course_get_courses")' | mts repl --profile lab --json`,
  ],
  async run(ctx, input) {
    // repl/ sits above src/: reached only through this lazy import, and it never imports src/cli back
    const { runRepl } = await import('../../../repl/index.js');
    return runRepl({
      io: ctx.io,
      profile: ctx.profileName,
      eval: input.string('eval'),
      json: ctx.json,
      write: input.flag('write'),
      readOnly: input.flag('read-only'),
      sandbox: input.flag('sandbox'),
      noColor: !ctx.style.enabled,
    });
  },
});

const group: CommandGroup = {
  name: 'repl',
  summary: 'Interactive prompt with every client preloaded',
  commands: [],
  default: run,
};

export default group;
