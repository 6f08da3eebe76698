/**
 * Schema tools: load SDL or introspection JSON, introspect a site, check operation documents, describe and diff
 * schemas. Every public name is listed here; helpers (glob matching, positions, impact internals) stay internal.
 */

export type { ChangeSeverity, SchemaChange } from './changes.js';
export { describeSchemaItem, type SchemaItemDescription } from './describe.js';
export { compareSchemas } from './diff.js';
export { diffSchemas, type SchemaDiffReport } from './diff-report.js';
export {
  checkDocuments,
  type DocumentProblem,
  findDocumentProblems,
  type OperationSet,
  parseDocument,
  readDocuments,
  type SourceDocument,
} from './documents.js';
export { TotaraSchemaError } from './errors.js';
export { expandGlobs } from './glob.js';
export type { OperationImpact } from './impact.js';
export {
  INTROSPECTION_OPERATION_NAME,
  INTROSPECTION_QUERY,
  type IntrospectionClient,
  introspectSchema,
  schemaFileContent,
} from './introspect.js';
export {
  type LoadedSchema,
  loadSchemaFile,
  loadSchemaText,
  type SchemaFormat,
  schemaFromIntrospection,
} from './load.js';
