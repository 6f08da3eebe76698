import type { CommandGroup } from '../framework.js';

const group: CommandGroup = {
  name: 'hrimport',
  summary: 'Totara HR Import CSV: template, validate, write, plan',
  commands: [],
};

export default group;
