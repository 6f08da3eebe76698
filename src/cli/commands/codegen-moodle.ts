import type { CommandSpec } from '../framework.js';

/** `mts codegen moodle`: owned by the Moodle codegen. */
export const moodleCodegenCommand: CommandSpec | undefined = undefined;
