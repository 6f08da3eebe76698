import { type CommandGroup, command } from '../framework.js';

const run = command({
  name: 'doctor',
  summary:
    'Check a configured site end to end: web services, token, functions, courses, files, Totara, LTI, clock.',
  description:
    'Each check exercises the site (database included), not a cached page, and is passed, failed with a hint, or\n' +
    'skipped when the profile lacks what it needs. Exit code 1 when a check failed; --json for monitoring.',
  options: {
    function: {
      type: 'string',
      multiple: true,
      description: "A function the token's service must offer (repeatable)",
      valueName: 'NAME',
    },
  },
  examples: ['mts doctor --profile prod', 'mts doctor --json --function core_user_get_users'],
  async run(ctx, input) {
    const { runDoctor } = await import('./doctor-checks.js');
    return runDoctor(ctx, input.list('function'));
  },
});

const group: CommandGroup = {
  name: 'doctor',
  summary: 'Health check of the configured site',
  commands: [],
  default: run,
};

export default group;
