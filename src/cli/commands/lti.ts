import type { CommandGroup } from '../framework.js';

const group: CommandGroup = {
  name: 'lti',
  summary: 'LTI 1.3: decode, validate, launch, platform, doctor',
  commands: [],
};

export default group;
