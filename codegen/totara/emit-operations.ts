/**
 * Emits `operations.ts`: one typed document per operation of the user's documents, with its exact result type
 * (following the selection set: aliases, fragments, `__typename`, nullability, lists) and its variables type.
 */
import {
  type ASTNode,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isInputType,
  isObjectType,
  isScalarType,
  Kind,
  type OperationDefinitionNode,
  type SelectionNode,
  type TypeNode,
  typeFromAST,
} from 'graphql';
import { fragmentsUsedBy, type OperationSet, positionOf } from '../../src/totara/schema/documents.js';
import { TotaraSchemaError } from '../../src/totara/schema/errors.js';
import {
  commentSafe,
  dateFormatDefault,
  type ScalarOverride,
  scalarRef,
  tsName,
  wrapType,
} from './render.js';

/** Options of {@link emitOperations}. */
export interface EmitOperationsOptions {
  scalars: Readonly<Record<string, ScalarOverride>>;
  /** Module that exports `TypedDocument`. */
  typedDocumentImport: string;
  /** Module of the emitted schema types. */
  typesModule: string;
}

const NS = 'S.';
const TYPENAME = '\u0000typename\u0000';

/** The body of `operations.ts`. */
export function emitOperations(
  schema: GraphQLSchema,
  set: OperationSet,
  options: EmitOperationsOptions,
): string {
  const emitter = new ResultEmitter(schema, set.fragments, options.scalars);
  const taken = new Map<string, string>();
  for (const name of Object.keys(schema.getTypeMap())) taken.set(tsName(name), `the schema type ${name}`);
  const claim = (name: string, what: string): string => {
    const previous = taken.get(name);
    if (previous)
      throw new TotaraSchemaError(
        'totara.document.duplicate',
        `${what} and ${previous} would both be named ${name}.`,
        {
          hint: 'Rename one of the operations or fragments.',
          details: { path: name },
        },
      );
    taken.set(name, what);
    return name;
  };
  const out: string[] = [
    `import type { TypedDocument } from '${options.typedDocumentImport}';\n`,
    `import type * as S from '${options.typesModule}';\n`,
  ];
  const fragments = [...set.fragments.values()].sort((a, b) =>
    a.node.name.value < b.node.name.value ? -1 : 1,
  );
  for (const { node, path } of fragments) {
    const parent = schema.getType(node.typeCondition.name.value) as GraphQLCompositeType;
    const name = claim(`${node.name.value}_fragment`, `fragment ${node.name.value} (${path})`);
    out.push(
      `\n/** Fragment \`${node.name.value}\` on \`${parent.name}\` (${commentSafe(path)}:${positionOf(node).line}). */\n`,
    );
    out.push(`export type ${name} = ${emitter.selection(parent, node.selectionSet.selections, '')};\n`);
  }
  for (const { node, path } of set.operations) {
    const opName = node.name?.value ?? 'anonymous';
    const root = schema.getRootType(node.operation) as GraphQLObjectType;
    const constName = claim(safeIdentifier(opName), `${node.operation} ${opName} (${path})`);
    const result = claim(`${opName}_result`, `the result of ${opName}`);
    const variables = claim(`${opName}_variables`, `the variables of ${opName}`);
    out.push(
      `\n/** Variables of ${node.operation} \`${opName}\` (${commentSafe(path)}:${positionOf(node).line}). */\n`,
    );
    out.push(`export type ${variables} = ${emitter.variables(node)};\n`);
    out.push(`\n/** Result of ${node.operation} \`${opName}\`. */\n`);
    out.push(`export type ${result} = ${emitter.selection(root, node.selectionSet.selections, '')};\n`);
    const ast = { kind: Kind.DOCUMENT, definitions: [node, ...fragmentsUsedBy(node, set.fragments)] };
    out.push(
      `\n/** The typed document of ${node.operation} \`${opName}\`, for \`client.request(${constName}, variables)\`. */\n`,
    );
    out.push(
      `export const ${constName} = ${JSON.stringify(stripLocations(ast))} as unknown as TypedDocument<${result}, ${variables}>;\n`,
    );
  }
  return out.join('');
}

class ResultEmitter {
  readonly #schema: GraphQLSchema;
  readonly #fragments: OperationSet['fragments'];
  readonly #scalars: Readonly<Record<string, ScalarOverride>>;
  readonly #dates: boolean;

  constructor(
    schema: GraphQLSchema,
    fragments: OperationSet['fragments'],
    scalars: Readonly<Record<string, ScalarOverride>>,
  ) {
    this.#schema = schema;
    this.#fragments = fragments;
    this.#scalars = scalars;
    this.#dates = isEnumType(schema.getType('core_date_format')) && scalars.core_date === undefined;
  }

  /** The result type of a selection set on `parent`; one shape per possible type when it is abstract. */
  selection(parent: GraphQLCompositeType, selections: readonly SelectionNode[], indent: string): string {
    if (isObjectType(parent))
      return this.#shape(parent, selections, indent).replaceAll(TYPENAME, `'${parent.name}'`);
    const possible = this.#schema.getPossibleTypes(parent);
    if (possible.length === 0) return 'never';
    const groups = new Map<string, string[]>();
    for (const type of possible) {
      const shape = this.#shape(type, selections, indent);
      groups.set(shape, [...(groups.get(shape) ?? []), type.name]);
    }
    return [...groups]
      .map(([shape, names]) => shape.replaceAll(TYPENAME, names.map((n) => `'${n}'`).join(' | ')))
      .join(' | ');
  }

  /** The variables type of an operation. */
  variables(node: OperationDefinitionNode): string {
    const defs = node.variableDefinitions ?? [];
    if (defs.length === 0) return 'Record<string, never>';
    const lines = defs.map((def) => {
      const optional = def.type.kind !== Kind.NON_NULL_TYPE || def.defaultValue !== undefined;
      return `  ${def.variable.name.value}${optional ? '?' : ''}: ${this.#inputType(def.type)};\n`;
    });
    return `{\n${lines.join('')}}`;
  }

  #inputType(node: TypeNode): string {
    const type = typeFromAST(this.#schema, node);
    if (!type || !isInputType(type)) return 'unknown';
    return wrapType(type, (named) =>
      isScalarType(named) ? scalarRef(named.name, 'input', NS, this.#scalars) : `${NS}${tsName(named.name)}`,
    );
  }

  #shape(type: GraphQLObjectType, selections: readonly SelectionNode[], indent: string): string {
    const fields = new Map<string, { nodes: FieldNode[]; always: boolean }>();
    this.#collect(type, selections, false, fields);
    if (fields.size === 0) return 'Record<string, never>';
    const inner = `${indent}  `;
    const lines: string[] = [];
    for (const [key, { nodes, always }] of fields) {
      const first = nodes[0] as FieldNode;
      const name = first.name.value;
      let rendered: string;
      if (name === '__typename') rendered = TYPENAME;
      else {
        const field = type.getFields()[name] as GraphQLField<unknown, unknown>;
        rendered = wrapType(field.type, (named) => this.#leafOrNested(named, field, nodes, inner));
      }
      lines.push(`${inner}${key}${always ? '' : '?'}: ${rendered};\n`);
    }
    return `{\n${lines.join('')}${indent}}`;
  }

  #leafOrNested(
    named: GraphQLNamedType,
    field: GraphQLField<unknown, unknown>,
    nodes: FieldNode[],
    indent: string,
  ): string {
    if (isCompositeType(named)) {
      const selections = nodes.flatMap((n) => n.selectionSet?.selections ?? []);
      return this.selection(named, selections, indent);
    }
    if (isEnumType(named)) return `${NS}${tsName(named.name)}`;
    if (named.name === 'core_date' && this.#dates) {
      const format = this.#dateFormat(field, nodes[0] as FieldNode);
      if (format) return `${NS}CoreDateFormats['${format}']`;
      return `${NS}CoreDateFormats[keyof ${NS}CoreDateFormats]`;
    }
    return scalarRef(named.name, 'output', NS, this.#scalars);
  }

  /** The literal `format` of a `core_date` field, else its default; undefined when it depends on a variable. */
  #dateFormat(field: GraphQLField<unknown, unknown>, node: FieldNode): string | undefined {
    const arg = node.arguments?.find((a) => a.name.value === 'format');
    if (arg) return arg.value.kind === Kind.ENUM ? arg.value.value : undefined;
    return dateFormatDefault(field);
  }

  #collect(
    type: GraphQLObjectType,
    selections: readonly SelectionNode[],
    conditional: boolean,
    out: Map<string, { nodes: FieldNode[]; always: boolean }>,
  ): void {
    for (const selection of selections) {
      const cond =
        conditional ||
        (selection.directives ?? []).some((d) => d.name.value === 'include' || d.name.value === 'skip');
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const entry = out.get(key);
        if (entry) {
          entry.nodes.push(selection);
          entry.always ||= !cond;
        } else out.set(key, { nodes: [selection], always: !cond });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (!selection.typeCondition || this.#applies(selection.typeCondition.name.value, type))
          this.#collect(type, selection.selectionSet.selections, cond, out);
      } else {
        const fragment = this.#fragments.get(selection.name.value)?.node;
        if (fragment && this.#applies(fragment.typeCondition.name.value, type))
          this.#collect(type, fragment.selectionSet.selections, cond, out);
      }
    }
  }

  #applies(condition: string, type: GraphQLObjectType): boolean {
    if (condition === type.name) return true;
    const target = this.#schema.getType(condition);
    return target !== undefined && isAbstractType(target) && this.#schema.isSubType(target, type);
  }
}

const RESERVED_VALUES = new Set(
  'break case catch class const continue debugger default delete do else enum export extends finally for function if import in instanceof new return super switch this throw try typeof var void while with yield let static await'.split(
    ' ',
  ),
);

function safeIdentifier(name: string): string {
  return RESERVED_VALUES.has(name) ? `${name}_document` : name;
}

function stripLocations(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripLocations);
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node as ASTNode))
      if (key !== 'loc') out[key] = stripLocations(value);
    return out;
  }
  return node;
}
