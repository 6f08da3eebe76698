import type { SchemaChange } from './changes.js';
import { compareSchemas } from './diff.js';
import type { SourceDocument } from './documents.js';
import { type OperationImpact, operationImpacts } from './impact.js';
import type { LoadedSchema } from './load.js';

/** The outcome of {@link diffSchemas}; its JSON form is what `mts totara schema diff --json` prints. */
export interface SchemaDiffReport {
  old: string;
  new: string;
  breaking: SchemaChange[];
  dangerous: SchemaChange[];
  /** Additions nothing existing can notice (new types, fields, arguments, directives). */
  safe: SchemaChange[];
  /** One entry per stored operation, in document order (empty without documents). */
  operations: OperationImpact[];
  summary: {
    breaking: number;
    dangerous: number;
    safe: number;
    operations: number;
    brokenOperations: number;
  };
}

/**
 * Diffs two schemas (two sites, or one site before and after an upgrade) and tells which of the user's stored
 * operations each change breaks.
 *
 * @example
 * ```ts
 * const report = diffSchemas(await loadSchemaFile('17.3.graphql'), await loadSchemaFile('18.0.graphql'), await readDocuments(['ops/*.graphql']));
 * for (const op of report.operations.filter((o) => o.broken)) console.log(op.path, op.operation, op.breaking);
 * ```
 */
export function diffSchemas(
  before: LoadedSchema,
  after: LoadedSchema,
  documents: readonly SourceDocument[] = [],
): SchemaDiffReport {
  const changes = compareSchemas(before.schema, after.schema);
  const operations = documents.length
    ? operationImpacts(before.schema, after.schema, changes, documents)
    : [];
  const breaking = changes.filter((c) => c.severity === 'breaking');
  const dangerous = changes.filter((c) => c.severity === 'dangerous');
  const safe = changes.filter((c) => c.severity === 'safe');
  return {
    old: before.source,
    new: after.source,
    breaking,
    dangerous,
    safe,
    operations,
    summary: {
      breaking: breaking.length,
      dangerous: dangerous.length,
      safe: safe.length,
      operations: operations.length,
      brokenOperations: operations.filter((o) => o.broken).length,
    },
  };
}
