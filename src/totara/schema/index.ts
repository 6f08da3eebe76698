/** Schema tools: load SDL or introspection JSON, introspect a site, check operation documents, diff schemas. */

export * from './describe.js';
export * from './diff.js';
export * from './diff-report.js';
export * from './documents.js';
export * from './errors.js';
export { displayPath, expandGlobs, globToRegExp } from './glob.js';
export * from './impact.js';
export * from './introspect.js';
export {
  type LoadedSchema,
  loadSchemaFile,
  loadSchemaText,
  type SchemaFormat,
  schemaFromIntrospection,
} from './load.js';
