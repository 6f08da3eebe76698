/**
 * Directive-level comparison of two schemas: a directive, one of its arguments or one of its locations removed, or
 * a required argument added, breaks every document (or schema extension) that uses it that way.
 */
import { type GraphQLDirective, type GraphQLSchema, isRequiredArgument, isSpecifiedDirective } from 'graphql';
import type { RecordChange } from './changes.js';
import { compareInputValue } from './diff-fields.js';

/**
 * Compares the directives of two schemas.
 *
 * @example
 * ```ts
 * const changes: SchemaChange[] = [];
 * compareDirectives(before, after, (severity, kind, coordinate, touches, description) => changes.push({ severity, kind, coordinate, touches, description }));
 * ```
 */
export function compareDirectives(
  oldSchema: GraphQLSchema,
  newSchema: GraphQLSchema,
  add: RecordChange,
): void {
  for (const directive of oldSchema.getDirectives()) {
    const name = `@${directive.name}`;
    const next = newSchema.getDirective(directive.name);
    if (!next) {
      add('breaking', 'DIRECTIVE_REMOVED', name, [name], `${name} was removed.`);
      continue;
    }
    compareOne(name, directive, next, add);
  }
  for (const directive of newSchema.getDirectives()) {
    if (isSpecifiedDirective(directive) || oldSchema.getDirective(directive.name)) continue;
    const name = `@${directive.name}`;
    add('safe', 'DIRECTIVE_ADDED', name, [name], `${name} was added.`);
  }
}

function compareOne(
  name: string,
  before: GraphQLDirective,
  after: GraphQLDirective,
  add: RecordChange,
): void {
  const nextArgs = new Map(after.args.map((a) => [a.name, a]));
  for (const arg of before.args) {
    const coordinate = `${name}(${arg.name}:)`;
    const next = nextArgs.get(arg.name);
    if (!next) {
      add('breaking', 'DIRECTIVE_ARG_REMOVED', coordinate, [name], `${arg.name} was removed from ${name}.`);
      continue;
    }
    compareInputValue(coordinate, name, arg, next, 'DIRECTIVE_ARG', add);
  }
  const oldArgs = new Set(before.args.map((a) => a.name));
  for (const arg of after.args) {
    if (oldArgs.has(arg.name)) continue;
    const coordinate = `${name}(${arg.name}:)`;
    if (isRequiredArgument(arg))
      add(
        'breaking',
        'REQUIRED_DIRECTIVE_ARG_ADDED',
        coordinate,
        [name],
        `A required argument ${arg.name} was added to ${name}.`,
      );
    else
      add(
        'safe',
        'OPTIONAL_DIRECTIVE_ARG_ADDED',
        coordinate,
        [name],
        `An optional argument ${arg.name} was added to ${name}.`,
      );
  }
  if (before.isRepeatable && !after.isRepeatable)
    add('breaking', 'DIRECTIVE_REPEATABLE_REMOVED', name, [name], `${name} is no longer repeatable.`);
  const locations = new Set<string>(after.locations);
  for (const location of before.locations)
    if (!locations.has(location))
      add(
        'breaking',
        'DIRECTIVE_LOCATION_REMOVED',
        name,
        [name],
        `${location} was removed from the locations of ${name}.`,
      );
}
