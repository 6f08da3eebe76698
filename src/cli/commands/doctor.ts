import type { CommandGroup } from '../framework.js';

const group: CommandGroup = {
  name: 'doctor',
  summary: 'Health check of the configured site',
  commands: [],
};

export default group;
