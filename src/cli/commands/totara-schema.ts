import type { CommandSpec } from '../framework.js';

/** `mts totara schema pull|diff`: owned by the Totara codegen. */
export const totaraSchemaCommands: CommandSpec[] = [];
