/**
 * The typed builder, light enough for generated code: `createBuilder` and its types, and nothing that loads graphql,
 * undici or the client into the compiler (`moodle-totara-sdk/totara/builder`). The SDK's ready-made `query` and
 * `mutation` for the Totara 17.3 external API are exported by `moodle-totara-sdk/totara`.
 *
 * @module totara/builder
 */

export { type Builder, type BuiltOperation, createBuilder } from './build.js';
/** The type-level machinery behind {@link Selection} and {@link ResultOfSelection} (selections, results, strictness checks). */
export type * as BuilderTypes from './types.js';
export type {
  BuilderSchema,
  BuilderTable,
  BuiltDocument,
  FieldSpec,
  ResultOfSelection,
  Selection,
  UnknownArgument,
  UnknownField,
  UnknownInputField,
} from './types.js';
