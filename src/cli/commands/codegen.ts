import type { CommandGroup, CommandSpec } from '../framework.js';
import { moodleCodegenCommand } from './codegen-moodle.js';
import { totaraCodegenCommand } from './codegen-totara.js';

const group: CommandGroup = {
  name: 'codegen',
  summary: 'Generate typed clients for your own site (moodle, totara)',
  commands: [moodleCodegenCommand, totaraCodegenCommand].filter((c): c is CommandSpec => c !== undefined),
};

export default group;
