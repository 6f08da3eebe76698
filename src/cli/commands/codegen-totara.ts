import type { CommandSpec } from '../framework.js';

/** `mts codegen totara`: owned by the Totara codegen. */
export const totaraCodegenCommand: CommandSpec | undefined = undefined;
