import type { CommandGroup } from '../framework.js';

const group: CommandGroup = {
  name: 'moodle',
  summary: 'Moodle Web Services: login, call, functions, upload, download',
  commands: [],
};

export default group;
