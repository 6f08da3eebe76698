import type { CommandGroup } from '../framework.js';
import { totaraClientCommands } from './totara-client.js';
import { totaraSchemaCommands } from './totara-schema.js';

const group: CommandGroup = {
  name: 'totara',
  summary: 'Totara GraphQL: token, query, schema pull and diff',
  commands: [...totaraClientCommands, ...totaraSchemaCommands],
};

export default group;
