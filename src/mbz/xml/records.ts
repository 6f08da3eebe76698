/**
 * Records out of an XML file without building its tree. A record is an element at a known path (a `<setting>` of
 * `moodle_backup/information/settings`); its fields are its leaf children (`<name>users</name>`). Everything else
 * is read and dropped, so what a file holds beyond the records asked for costs time, never memory.
 */
import { MbzLimitError } from '../errors.js';
import type { XmlHandler } from './scan.js';

/** Moodle writes SQL NULL as this marker in its backup XML. */
export const NULL_MARKER = '$@NULL@$';

/** The leaf children of a record by name (the first of each name), `$@NULL@$` read as null. */
export type XmlFields = Record<string, string | null>;

/** What to do with the records found at one path. */
export interface RecordSpec {
  /** Path of the record element from the root, `/`-separated: `moodle_backup/information/settings/setting`. */
  path: string;
  /** Called when a record starts, with its attributes (before its fields and nested records). */
  start?: ((attributes: Record<string, string> | null) => void) | undefined;
  /** Called when a record ends, with its fields and attributes. */
  record(fields: XmlFields, attributes: Record<string, string> | null): void;
}

/** Longest field value kept: titles and settings are short; a longer value was crafted to fill memory. */
export const MAX_FIELD_LENGTH = 1 << 20;
/** Most distinct fields of one record: Moodle's widest record (a user) has about 50. */
export const MAX_FIELDS = 512;

interface Node {
  children: Map<string, Node>;
  spec: RecordSpec | undefined;
}

interface Open {
  /** Depth of the record element. */
  depth: number;
  spec: RecordSpec;
  fields: XmlFields;
  count: number;
  attributes: Record<string, string> | null;
}

function trie(specs: readonly RecordSpec[]): Node {
  const root: Node = { children: new Map(), spec: undefined };
  for (const spec of specs) {
    let node = root;
    for (const name of spec.path.split('/')) {
      let next = node.children.get(name);
      if (next === undefined) {
        next = { children: new Map(), spec: undefined };
        node.children.set(name, next);
      }
      node = next;
    }
    node.spec = spec;
  }
  return root;
}

/**
 * A scanner handler that hands the records at the given paths to their specs. `path` names the file in errors.
 * Elements on no path to a record are skipped unread (only their nesting is checked) unless `strict`, as
 * `mts mbz verify` asks.
 *
 * @example
 * ```ts
 * const names: string[] = [];
 * scanXml(xml, 'roles.xml', recordHandler('roles.xml', [
 *   { path: 'roles_definition/role', record: (f) => names.push(f.shortname ?? '') },
 * ]));
 * ```
 */
export function recordHandler(
  path: string,
  specs: readonly RecordSpec[],
  options: { strict?: boolean } = {},
): XmlHandler {
  const root = trie(specs);
  /** The trie node of each open element (null once off every path). */
  const nodes: (Node | null)[] = [root];
  const open: Open[] = [];
  /** Text of the element opened last, while it may still be a leaf of the innermost record. */
  let leafName: string | null = null;
  let leafText = '';

  const field = (record: Open, name: string, value: string): void => {
    if (name in record.fields) return;
    if (value.length > MAX_FIELD_LENGTH) {
      throw new MbzLimitError(
        'mbz.xml_value_limit',
        `${path}: <${name}> holds ${value.length} characters, more than the ${MAX_FIELD_LENGTH} read.`,
        { hint: 'No backup field is that long: the file was crafted. It is not read.', details: { path } },
      );
    }
    if (++record.count > MAX_FIELDS) {
      throw new MbzLimitError(
        'mbz.xml_field_limit',
        `${path}: a <${record.spec.path.split('/').at(-1)}> has more than ${MAX_FIELDS} fields.`,
        { hint: 'No backup record has that many: the file was crafted. It is not read.', details: { path } },
      );
    }
    record.fields[name] = value === NULL_MARKER ? null : value;
  };
  const begin = (spec: RecordSpec, depth: number, attributes: Record<string, string> | null): void => {
    spec.start?.(attributes);
    open.push({ depth, spec, fields: Object.create(null) as XmlFields, count: 0, attributes });
  };
  const finish = (): void => {
    const record = open.pop() as Open;
    record.spec.record(record.fields, record.attributes);
  };

  /** An element that is no record, no field, and on no path to one: the scanner reads past it unreported. */
  const skips = (name: string): boolean => {
    // A child element makes the element it opens in no leaf, skipped or not.
    leafName = null;
    const depth = nodes.length;
    if (nodes[depth - 1]?.children.has(name)) return false;
    const record = open[open.length - 1];
    return record === undefined || record.depth !== depth - 1;
  };

  return {
    skips: options.strict ? undefined : skips,
    open(name, attributes) {
      const depth = nodes.length;
      const parent = nodes[depth - 1];
      const node = parent?.children.get(name) ?? null;
      nodes.push(node);
      leafName = open.length > 0 && open[open.length - 1]?.depth === depth - 1 ? name : null;
      leafText = '';
      if (node?.spec !== undefined) begin(node.spec, depth, attributes);
    },
    text(value) {
      if (leafName !== null) {
        leafText += value;
        if (leafText.length > MAX_FIELD_LENGTH) field(open[open.length - 1] as Open, leafName, leafText);
      }
    },
    close(name) {
      const depth = nodes.length - 1;
      nodes.pop();
      const record = open[open.length - 1];
      if (record !== undefined && record.depth === depth) {
        finish();
      } else if (leafName === name && record !== undefined && record.depth === depth - 1) {
        field(record, name, leafText);
      }
      leafName = null;
    },
    leaf(name, text) {
      const depth = nodes.length;
      const record = open[open.length - 1];
      const spec = nodes[depth - 1]?.children.get(name)?.spec;
      if (spec !== undefined) {
        begin(spec, depth, null);
        finish();
      } else if (record !== undefined && record.depth === depth - 1) field(record, name, text);
      leafName = null;
    },
  };
}

/**
 * A copy of `value` that does not keep alive the chunk of text it was cut from. V8 makes a substring a view of
 * its parent string: a kept 40-character hash would otherwise keep a whole megabyte of XML in memory.
 */
export function detach<T extends string | null | undefined>(value: T): T {
  return (typeof value === 'string' && value.length >= 13 ? ` ${value}`.slice(1) : value) as T;
}

/** The fields of a record, each {@link detach}ed, for a record kept long after it was read. */
export function detachFields(fields: XmlFields): XmlFields {
  const out = Object.create(null) as XmlFields;
  for (const key in fields) out[detach(key)] = detach(fields[key] as string | null);
  return out;
}

/** A record's field as text: '' for absent and null. */
export function text(fields: XmlFields, name: string): string {
  return fields[name] ?? '';
}

/** The error for a file holding more records than `limit` allows to keep. */
export function tooManyRecords(path: string, limit: number): MbzLimitError {
  return new MbzLimitError('mbz.record_limit', `${path} holds more than ${limit} records.`, {
    hint: 'Raise limits.maxRecords if this backup is trusted.',
    details: { path, limit },
  });
}
