import type { CommandSpec } from '../framework.js';

/** `mts totara token|query`: owned by the Totara client. */
export const totaraClientCommands: CommandSpec[] = [];
