import type { CommandGroup, CommandSpec } from '../framework.js';

const run: CommandSpec = {
  name: 'repl',
  summary: 'Open the interactive prompt (on the sandbox when no site is configured).',
  options: {
    eval: {
      type: 'string',
      short: 'e',
      description: 'Evaluate CODE, print the result and exit',
      valueName: 'CODE',
    },
  },
  async run(ctx, input) {
    const { runRepl } = await import('../../../repl/index.js');
    return runRepl({
      io: ctx.io,
      profile: ctx.profileName,
      eval: input.options.eval as string | undefined,
      json: ctx.json,
    });
  },
};

const group: CommandGroup = {
  name: 'repl',
  summary: 'Interactive prompt with every client preloaded',
  commands: [],
  default: run,
};

export default group;
