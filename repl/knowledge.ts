/**
 * What the REPL knows about the site, for completion and `.describe`: the Moodle functions the token may call
 * (from the site's own `core_webservice_get_site_info`, falling back to the SDK's definitions table) with their
 * parameters, and the Totara schema (from the site's introspection).
 */
import type { GraphQLSchema } from 'graphql';
// types only: the Moodle module (and its large table) loads in the background, not with the prompt
import type { FunctionTable, WsDesc, WsFunctionInfo } from '../src/moodle/index.js';

/** Moodle's VALUE_REQUIRED (the module's own constant, not imported so that it stays lazy). */
const VALUE_REQUIRED = 1;

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
export type FunctionTableLike = Pick<FunctionTable, 'get' | 'names'>;

function field(desc: WsDesc): ParamField {
  const out: ParamField = { shape: toShape(desc), required: desc.required === VALUE_REQUIRED };
  if (desc.default !== undefined) out.default = desc.default;
  return out;
}

function fields(keys: Record<string, WsDesc>): Record<string, ParamField> {
  return Object.fromEntries(Object.entries(keys).map(([name, inner]) => [name, field(inner)]));
}

/** Normalises one description node of the definitions table. */
export function toShape(desc: WsDesc): ParamShape {
  if (desc.kind === 'single') return { kind: 'object', keys: fields(desc.keys) };
  if (desc.kind === 'multiple') return { kind: 'list', item: toShape(desc.content) };
  return { kind: 'value', type: desc.type };
}

/** A definitions-table entry as a {@link FunctionSummary}. */
export function summarise(info: WsFunctionInfo): FunctionSummary {
  return {
    name: info.name,
    type: info.type,
    parameters: fields(info.parameters.keys),
    returns: info.returns ? toShape(info.returns) : undefined,
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
    const info = this.#table?.get(name);
    if (!info) return undefined;
    const summary = summarise(info);
    this.#summaries.set(name, summary);
    return summary;
  }

  /** `read`, `write`, or undefined when the function is not in the table. */
  functionKind(name: string): 'read' | 'write' | undefined {
    const type = this.describeFunction(name)?.type;
    return type === 'read' || type === 'write' ? type : undefined;
  }
}
