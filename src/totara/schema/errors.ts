import { InputError, type MtsErrorOptions } from '../../core/errors.js';

/**
 * A schema or an operation document that cannot be used: unparsable SDL, an invalid introspection result, an
 * operation that does not validate against the schema or breaks Totara's naming rule. `code` is stable:
 * `totara.schema.parse`, `totara.schema.invalid`, `totara.schema.unknown_format`, `totara.schema.introspection_disabled`,
 * `totara.document.parse`, `totara.document.invalid`, `totara.document.operation_name`, `totara.document.duplicate`.
 * `details.path` (and `details.line` when known) name the offending file.
 *
 * @example
 * ```ts
 * try { await loadSchemaFile('schema.graphqls'); }
 * catch (e) { if (e instanceof TotaraSchemaError) console.error(e.code, e.details?.path, e.hint); }
 * ```
 */
export class TotaraSchemaError extends InputError {
  constructor(code: string, message: string, options: MtsErrorOptions = {}) {
    super(code, message, options);
  }
}
