/**
 * The table of Moodle external functions: what each takes and returns, as data. Read from a site's
 * `ws-definitions.json` (written by `codegen/moodle/export-definitions.php`) or from the compact table that
 * `codegen/moodle` commits under `src/moodle/generated/`.
 */
import { InputError } from '../core/errors.js';
import { MOODLE_FUNCTION_TABLE } from './generated/functions.js';

/**
 * Whether a key must be present, as Moodle numbers it: `1` VALUE_REQUIRED, `2` VALUE_OPTIONAL (may be left out),
 * `0` VALUE_DEFAULT (may be left out; Moodle then uses `default`). These are Moodle's own constants, the ones the
 * definitions JSON carries (its `required_label` says `required`, `optional`, `default`).
 */
export type WsRequired = 0 | 1 | 2;
/** Moodle's VALUE_REQUIRED. */
export const VALUE_REQUIRED = 1;
/** Moodle's VALUE_OPTIONAL: the key may be absent and then stays absent. */
export const VALUE_OPTIONAL = 2;
/** Moodle's VALUE_DEFAULT: the key may be absent and then takes the description's `default`. */
export const VALUE_DEFAULT = 0;

/** A scalar (`external_value`). `type` is the PARAM_ type in lower case: `int`, `bool`, `raw`, `alphanumext`... */
export interface WsValueDesc {
  kind: 'value';
  type: string;
  required: WsRequired;
  /** Present only when `required` is VALUE_DEFAULT (it may be `null`). */
  default?: unknown;
  allownull: boolean;
  description?: string;
}

/** An object with known keys (`external_single_structure`). */
export interface WsSingleDesc {
  kind: 'single';
  required: WsRequired;
  allownull: boolean;
  keys: Record<string, WsDesc>;
  default?: unknown;
  description?: string;
}

/** A list (`external_multiple_structure`). */
export interface WsMultipleDesc {
  kind: 'multiple';
  required: WsRequired;
  allownull: boolean;
  content: WsDesc;
  default?: unknown;
  description?: string;
}

/** Any node of a parameter or return description. */
export type WsDesc = WsValueDesc | WsSingleDesc | WsMultipleDesc;

/** One external function: flags from `db/services.php` and its parameter and return descriptions. */
export interface WsFunctionInfo {
  name: string;
  component: string;
  /** `read` functions are safe to retry; `write` functions never are. */
  type: 'read' | 'write';
  deprecated: boolean;
  loginrequired: boolean;
  readonlysession: boolean;
  /** Whether the function may be called through AJAX (`ajax` in services.php). */
  ajax: boolean;
  /** Built-in services that list the function (`services` in services.php), e.g. `moodle_mobile_app`. */
  services: string[];
  /** Capabilities the function checks, comma-separated as Moodle stores them. */
  capabilities: string;
  parameters: WsSingleDesc;
  /** `null` when the function returns nothing. */
  returns: WsDesc | null;
  description?: string;
}

/**
 * A definitions file (or table) that cannot be used; `details.path` says where in it.
 *
 * @example
 * ```ts
 * try { FunctionTable.fromDefinitions(json); }
 * catch (e) { if (e instanceof DefinitionsError) console.error(e.details?.path, e.hint); }
 * ```
 */
export class DefinitionsError extends InputError {
  constructor(message: string, path: string, hint?: string) {
    super('moodle.definitions_invalid', message, {
      hint:
        hint ??
        'Write the file with codegen/moodle/export-definitions.php on the site (or use the one shipped for Moodle 4.5).',
      details: { path },
    });
  }
}

/**
 * The functions of one site (or of Moodle 4.5 core, {@link coreFunctionTable}), looked up by name.
 *
 * @example
 * ```ts
 * const table = FunctionTable.fromDefinitions(JSON.parse(await readFile('ws-definitions.json', 'utf8')));
 * table.get('core_user_get_users_by_field')?.type; // 'read'
 * ```
 */
export class FunctionTable {
  readonly #functions: Map<string, WsFunctionInfo>;

  private constructor(functions: Map<string, WsFunctionInfo>) {
    this.#functions = functions;
  }

  /**
   * Reads the `ws-definitions.json` shape (`{ functions: [...] }` with `parameters_desc` / `returns_desc`).
   * Descriptions are kept (they are the site's own data). Throws {@link DefinitionsError} naming the path of the
   * first bad entry.
   */
  static fromDefinitions(json: unknown): FunctionTable {
    const root = json as { functions?: unknown } | null;
    if (typeof root !== 'object' || root === null || !Array.isArray(root.functions)) {
      throw new DefinitionsError('The definitions must be an object with a "functions" array.', 'functions');
    }
    const map = new Map<string, WsFunctionInfo>();
    root.functions.forEach((entry: unknown, index: number) => {
      const info = readFunction(entry, `functions[${index}]`);
      if (map.has(info.name)) {
        throw new DefinitionsError(`Function "${info.name}" appears twice.`, `functions[${index}].name`);
      }
      map.set(info.name, info);
    });
    return new FunctionTable(sortedMap(map));
  }

  /** Builds a table from already decoded function infos (a generated per-site table, or tests). */
  static fromInfos(infos: Iterable<WsFunctionInfo>): FunctionTable {
    const map = new Map<string, WsFunctionInfo>();
    for (const info of infos) map.set(info.name, info);
    return new FunctionTable(sortedMap(map));
  }

  /**
   * Decodes a compact table as written by `mts codegen moodle` (the `MOODLE_FUNCTION_TABLE` string of a
   * generated `functions.ts`).
   */
  static fromCompact(text: string): FunctionTable {
    return FunctionTable.fromInfos(decodeCompactTable(text));
  }

  /** The function called `name`, or undefined. */
  get(name: string): WsFunctionInfo | undefined {
    return this.#functions.get(name);
  }

  /** Whether the site has a function called `name`. */
  has(name: string): boolean {
    return this.#functions.has(name);
  }

  /** Every function name, sorted. */
  names(): string[] {
    return [...this.#functions.keys()];
  }

  /** Every function, sorted by name. */
  values(): IterableIterator<WsFunctionInfo> {
    return this.#functions.values();
  }

  /** How many functions the table holds. */
  get size(): number {
    return this.#functions.size;
  }
}

function sortedMap(map: Map<string, WsFunctionInfo>): Map<string, WsFunctionInfo> {
  return new Map([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

let core: FunctionTable | undefined;

/**
 * The 759 external functions of Moodle 4.5 core (names, flags, parameter and return structure; no prose),
 * decoded on first use and cached.
 *
 * @example
 * ```ts
 * const info = coreFunctionTable().get('core_webservice_get_site_info');
 * if (info?.type === 'read') console.log('safe to retry');
 * ```
 */
export function coreFunctionTable(): FunctionTable {
  core ??= FunctionTable.fromCompact(MOODLE_FUNCTION_TABLE);
  return core;
}

// ---------------------------------------------------------------------------------------------------------
// Reading the ws-definitions.json shape.

function fail(path: string, what: string): never {
  throw new DefinitionsError(`Bad definitions at ${path}: ${what}.`, path);
}

function readFunction(entry: unknown, path: string): WsFunctionInfo {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail(path, 'expected an object');
  const f = entry as Record<string, unknown>;
  const name = f.name;
  if (typeof name !== 'string' || name === '') fail(`${path}.name`, 'expected a function name');
  if (typeof f.component !== 'string') fail(`${path}.component`, 'expected a string');
  if (f.type !== 'read' && f.type !== 'write') fail(`${path}.type`, 'expected "read" or "write"');
  const params = readDesc(f.parameters_desc, `${path}.parameters_desc`);
  if (params.kind !== 'single') fail(`${path}.parameters_desc`, 'expected a single_structure');
  const returns =
    f.returns_desc === null || f.returns_desc === undefined
      ? null
      : readDesc(f.returns_desc, `${path}.returns_desc`);
  const services = f.services ?? [];
  if (!Array.isArray(services) || services.some((s) => typeof s !== 'string'))
    fail(`${path}.services`, 'expected a list of service names');
  const info: WsFunctionInfo = {
    name,
    component: f.component,
    type: f.type,
    deprecated: readFlag(f.deprecated, false, `${path}.deprecated`),
    loginrequired: readFlag(f.loginrequired, true, `${path}.loginrequired`),
    readonlysession: readFlag(f.readonlysession, false, `${path}.readonlysession`),
    ajax: readFlag(f.ajax, false, `${path}.ajax`),
    services: [...(services as string[])].sort(),
    capabilities: readCapabilities(f, path),
    parameters: params,
    returns,
  };
  if (typeof f.description === 'string' && f.description !== '') info.description = f.description;
  return info;
}

function readFlag(value: unknown, fallback: boolean, path: string): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1 || value === '0' || value === '1') return value === 1 || value === '1';
  fail(path, 'expected true or false');
}

function readCapabilities(f: Record<string, unknown>, path: string): string {
  if (typeof f.capabilities_raw === 'string') return f.capabilities_raw;
  const caps = f.capabilities;
  if (caps === undefined || caps === null) return '';
  if (typeof caps === 'string') return caps;
  if (Array.isArray(caps) && caps.every((c) => typeof c === 'string')) return caps.join(',');
  fail(`${path}.capabilities`, 'expected a string or a list of strings');
}

const KINDS: Record<string, WsDesc['kind']> = {
  value: 'value',
  single_structure: 'single',
  single: 'single',
  multiple_structure: 'multiple',
  multiple: 'multiple',
};

function readDesc(node: unknown, path: string): WsDesc {
  if (typeof node !== 'object' || node === null || Array.isArray(node))
    fail(path, 'expected a description object');
  const n = node as Record<string, unknown>;
  const kind = KINDS[String(n.kind)];
  if (!kind) fail(`${path}.kind`, `unknown kind ${JSON.stringify(n.kind)}`);
  const required = n.required ?? 1;
  if (required !== 0 && required !== 1 && required !== 2) fail(`${path}.required`, 'expected 0, 1 or 2');
  const allownull = n.allownull === undefined || n.allownull === null ? false : n.allownull;
  if (typeof allownull !== 'boolean') fail(`${path}.allownull`, 'expected true or false');
  let desc: WsDesc;
  if (kind === 'value') {
    if (typeof n.type !== 'string' || n.type === '') fail(`${path}.type`, 'expected a PARAM_ type name');
    desc = { kind, type: n.type.toLowerCase(), required, allownull };
  } else if (kind === 'single') {
    const keys = n.keys;
    if (typeof keys !== 'object' || keys === null) fail(`${path}.keys`, 'expected an object of keys');
    const out: Record<string, WsDesc> = {};
    // An empty PHP array arrives as [] from json_encode.
    if (!Array.isArray(keys) || keys.length > 0) {
      if (Array.isArray(keys)) fail(`${path}.keys`, 'expected an object of keys');
      for (const [key, child] of Object.entries(keys as Record<string, unknown>))
        out[key] = readDesc(child, `${path}.keys.${key}`);
    }
    desc = { kind, required, allownull, keys: out };
  } else {
    desc = { kind, required, allownull, content: readDesc(n.content, `${path}.content`) };
  }
  if (required === VALUE_DEFAULT) desc.default = n.default ?? null;
  if (typeof n.description === 'string' && n.description !== '') desc.description = n.description;
  return desc;
}

// ---------------------------------------------------------------------------------------------------------
// The compact table (see codegen/moodle/generate.ts for the writer).

/**
 * Version of the compact encoding; bumped when the layout changes.
 * @internal
 */
export const COMPACT_TABLE_FORMAT = 1;

/** Bits of a node's flag number: required in bits 0-1, then these. */
const NODE_ALLOWNULL = 4;
const NODE_HAS_DEFAULT = 8;
/** Bits of a function's flag number. */
const FN_WRITE = 1;
const FN_DEPRECATED = 2;
const FN_LOGINREQUIRED = 4;
const FN_READONLYSESSION = 8;
const FN_AJAX = 16;

/**
 * Layout of the compact table, shared with the writer in codegen/moodle.
 * @internal
 */
export interface CompactTable {
  format: number;
  /** PARAM_ type names, indexed by value nodes. */
  types: string[];
  components: string[];
  services: string[];
  /**
   * Interned description nodes: `[0, typeIndex, flags, default?, description?]` for a value,
   * `[1, flags, [key, nodeIndex, ...], default?, description?]` for an object,
   * `[2, flags, contentIndex, default?, description?]` for a list. `default` is there when flags has bit 8.
   */
  nodes: unknown[][];
  /** `[name, componentIndex, flags, serviceIndexes, capabilities, paramsNode, returnsNode (-1: none), description?]`. */
  functions: unknown[][];
}

/**
 * Flag numbers of a description node, as the compact table stores them.
 * @internal
 */
export function nodeFlags(desc: WsDesc): number {
  return desc.required | (desc.allownull ? NODE_ALLOWNULL : 0) | ('default' in desc ? NODE_HAS_DEFAULT : 0);
}

/**
 * Flag number of a function, as the compact table stores it.
 * @internal
 */
export function functionFlags(info: WsFunctionInfo): number {
  return (
    (info.type === 'write' ? FN_WRITE : 0) |
    (info.deprecated ? FN_DEPRECATED : 0) |
    (info.loginrequired ? FN_LOGINREQUIRED : 0) |
    (info.readonlysession ? FN_READONLYSESSION : 0) |
    (info.ajax ? FN_AJAX : 0)
  );
}

function decodeCompactTable(text: string): WsFunctionInfo[] {
  let table: CompactTable;
  try {
    table = JSON.parse(text) as CompactTable;
  } catch {
    throw new DefinitionsError('The compact function table is not valid JSON.', 'table');
  }
  if (table.format !== COMPACT_TABLE_FORMAT) {
    throw new DefinitionsError(
      `The compact function table has format ${String(table.format)}; this version reads ${COMPACT_TABLE_FORMAT}.`,
      'format',
      'Regenerate it with `mts codegen moodle`.',
    );
  }
  const decoded: WsDesc[] = [];
  const node = (index: number): WsDesc => {
    const done = decoded[index];
    if (done) return done;
    const raw = table.nodes[index];
    if (!raw) throw new DefinitionsError(`The compact table has no node ${index}.`, `nodes[${index}]`);
    const flags = raw[0] === 0 ? (raw[2] as number) : (raw[1] as number);
    const common = { required: (flags & 3) as WsRequired, allownull: (flags & NODE_ALLOWNULL) !== 0 };
    let desc: WsDesc;
    if (raw[0] === 0) desc = { kind: 'value', type: table.types[raw[1] as number] as string, ...common };
    else if (raw[0] === 1) {
      const keys: Record<string, WsDesc> = {};
      const pairs = raw[2] as Array<string | number>;
      for (let i = 0; i < pairs.length; i += 2) keys[pairs[i] as string] = node(pairs[i + 1] as number);
      desc = { kind: 'single', ...common, keys };
    } else desc = { kind: 'multiple', ...common, content: node(raw[2] as number) };
    let extra = 3;
    if (flags & NODE_HAS_DEFAULT) desc.default = raw[extra++];
    if (typeof raw[extra] === 'string') desc.description = raw[extra] as string;
    decoded[index] = Object.freeze(desc);
    return desc;
  };
  return table.functions.map((f) => {
    const flags = f[2] as number;
    const params = node(f[5] as number);
    const info: WsFunctionInfo = {
      name: f[0] as string,
      component: table.components[f[1] as number] as string,
      type: flags & FN_WRITE ? 'write' : 'read',
      deprecated: (flags & FN_DEPRECATED) !== 0,
      loginrequired: (flags & FN_LOGINREQUIRED) !== 0,
      readonlysession: (flags & FN_READONLYSESSION) !== 0,
      ajax: (flags & FN_AJAX) !== 0,
      services: (f[3] as number[]).map((i) => table.services[i] as string),
      capabilities: f[4] as string,
      parameters: params as WsSingleDesc,
      returns: (f[6] as number) < 0 ? null : node(f[6] as number),
    };
    if (typeof f[7] === 'string') info.description = f[7];
    return info;
  });
}
