import type { CommandGroup } from '../framework.js';

const group: CommandGroup = {
  name: 'mbz',
  summary: '.mbz backups: inspect, verify, diff, ls, extract',
  commands: [],
};

export default group;
