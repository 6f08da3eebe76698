/**
 * What the REPL knows about the site, for completion and `.describe`: the Moodle functions the token may call
 * (from the site's own `core_webservice_get_site_info`, falling back to the SDK's definitions table) with their
 * parameters, and the Totara schema (from the site's introspection).
 */
import type { GraphQLSchema } from 'graphql';
import { debug } from '../src/core/debug.js';

/** A node of a function's parameter or result description, normalised from the definitions table. */
export type ParamShape =
  | { kind: 'object'; keys: Record<string, ParamField> }
  | { kind: 'list'; item: ParamShape }
  | { kind: 'value'; type: string };

/** One named member of an object shape. */
export interface ParamField {
  shape: ParamShape;
  required: boolean;
  default?: unknown;
}

/** A Moodle function as the REPL shows it. */
export interface FunctionSummary {
  name: string;
  type: 'read' | 'write' | 'unknown';
  parameters: Record<string, ParamField>;
  returns: ParamShape | undefined;
}

/** The table of function definitions as the SDK exposes it (only what the REPL reads). */
export interface FunctionTableLike {
  get(name: string): unknown;
  names(): Iterable<string>;
}

function field(raw: unknown): ParamField {
  const node = (raw ?? {}) as Record<string, unknown>;
  const required = node.required === true || node.required === 1 || node.required === 'required';
  const out: ParamField = { shape: toShape(raw), required };
  if (node.default !== undefined) out.default = node.default;
  return out;
}

/** Normalises one description node of the definitions table, whichever spelling it uses. */
export function toShape(raw: unknown, depth = 0): ParamShape {
  const node = (raw ?? {}) as Record<string, unknown>;
  if (depth > 40) return { kind: 'value', type: 'raw' };
  const kind = String(node.kind ?? '');
  const keys = node.keys ?? node.fields ?? node.properties;
  if (
    (kind === 'single' || kind === 'single_structure' || kind === 'object') &&
    keys &&
    typeof keys === 'object'
  ) {
    const out: Record<string, ParamField> = {};
    for (const [name, inner] of Object.entries(keys as Record<string, unknown>)) out[name] = field(inner);
    return { kind: 'object', keys: out };
  }
  const content = node.content ?? node.item ?? node.items ?? node.element;
  if (kind === 'multiple' || kind === 'multiple_structure' || kind === 'list')
    return { kind: 'list', item: toShape(content, depth + 1) };
  return { kind: 'value', type: String(node.type ?? 'raw') };
}

/** A definitions-table entry as a {@link FunctionSummary}. */
export function summarise(name: string, raw: unknown): FunctionSummary {
  const info = (raw ?? {}) as Record<string, unknown>;
  const parameters = toShape(info.parameters ?? info.params);
  const returns = info.returns ?? info.returnsDesc ?? info.result;
  const type = info.type === 'read' || info.type === 'write' ? info.type : 'unknown';
  return {
    name,
    type,
    parameters: parameters.kind === 'object' ? parameters.keys : {},
    returns: returns === undefined || returns === null ? undefined : toShape(returns),
  };
}

/** Facts about one site, filled in the background; every accessor answers with what is known so far. */
export class SiteKnowledge {
  #table: FunctionTableLike | undefined;
  #siteFunctions: string[] | undefined;
  #schema: GraphQLSchema | undefined;
  #summaries = new Map<string, FunctionSummary>();
  siteInfo: Record<string, unknown> | undefined;

  /** Uses the SDK's definitions table. */
  setTable(table: FunctionTableLike | undefined): void {
    this.#table = table;
    this.#summaries.clear();
  }

  /** Uses the functions the site lists for the token (`core_webservice_get_site_info`). */
  setSiteInfo(info: Record<string, unknown>): void {
    this.siteInfo = info;
    const functions = info.functions;
    if (Array.isArray(functions))
      this.#siteFunctions = functions
        .map((f) => (typeof f === 'string' ? f : (f as { name?: unknown })?.name))
        .filter((name): name is string => typeof name === 'string')
        .sort();
  }

  /** Uses a Totara schema. */
  setSchema(schema: GraphQLSchema | undefined): void {
    this.#schema = schema;
  }

  get schema(): GraphQLSchema | undefined {
    return this.#schema;
  }

  /** True when the list comes from the site rather than the SDK's table. */
  get functionsFromSite(): boolean {
    return this.#siteFunctions !== undefined;
  }

  /** Function names: the site's list for this token when known, else every function of the table. */
  functionNames(): string[] {
    if (this.#siteFunctions) return this.#siteFunctions;
    return this.#table ? [...this.#table.names()].sort() : [];
  }

  /** A function's description, when the table has it. */
  describeFunction(name: string): FunctionSummary | undefined {
    const cached = this.#summaries.get(name);
    if (cached) return cached;
    let raw: unknown;
    try {
      raw = this.#table?.get(name);
    } catch (error) {
      debug('function table lookup failed', name, String(error));
    }
    if (raw === undefined || raw === null) return undefined;
    const summary = summarise(name, raw);
    this.#summaries.set(name, summary);
    return summary;
  }

  /** `read`, `write`, or undefined when the function is not in the table. */
  functionKind(name: string): 'read' | 'write' | undefined {
    const type = this.describeFunction(name)?.type;
    return type === 'read' || type === 'write' ? type : undefined;
  }
}
