import type { CommandGroup } from '../framework.js';
import { moodleCodegenCommand } from './codegen-moodle.js';
import { totaraCodegenCommand } from './codegen-totara.js';

const group: CommandGroup = {
  name: 'codegen',
  summary: 'Generate typed clients for your own site (moodle, totara)',
  commands: [moodleCodegenCommand, totaraCodegenCommand],
};

export default group;
