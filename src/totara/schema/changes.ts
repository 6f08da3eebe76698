/** The vocabulary of a schema diff: how bad a change is, and one change with the schema coordinate it concerns. */

/**
 * How a change affects existing clients: `breaking` (an operation that worked may now fail), `dangerous` (it still
 * validates but may behave differently) or `safe` (an addition nothing existing can notice).
 */
export type ChangeSeverity = 'breaking' | 'dangerous' | 'safe';

/** One change between two schemas. */
export interface SchemaChange {
  severity: ChangeSeverity;
  /**
   * What kind of change, named as graphql-js and Totara's schema-diff tool name it (`FIELD_REMOVED`,
   * `DIRECTIVE_ARG_REMOVED`, `ADD_OBJECT_TYPE`...) or ours where neither has a name (`ARG_DEFAULT_REMOVED`).
   */
  kind: string;
  /** The schema coordinate: `core_user`, `core_user.email`, `Query.core_user_users(query:)`, `@my_directive(arg:)`. */
  coordinate: string;
  /** Type names, `Type.field` and `@directive` coordinates whose users the change concerns. */
  touches: string[];
  description: string;
}

/** Records one change (the comparers share one list). */
export type RecordChange = (
  severity: ChangeSeverity,
  kind: string,
  coordinate: string,
  touches: string[],
  description: string,
) => void;
