/** `.describe NAME`: a Moodle function's parameters and result, or a Totara type, query or mutation. */
import type { GraphQLSchema } from 'graphql';
import { namedType } from './graphql-complete.js';
import type { FunctionSummary, ParamField, ParamShape, SiteKnowledge } from './knowledge.js';

function shapeLines(shape: ParamShape, indent: string, out: string[], depth = 0): void {
  if (depth > 12) {
    out.push(`${indent}…`);
    return;
  }
  if (shape.kind === 'list') {
    if (shape.item.kind === 'value') out.push(`${indent}list of ${shape.item.type}`);
    else {
      out.push(`${indent}list of:`);
      shapeLines(shape.item, `${indent}  `, out, depth + 1);
    }
    return;
  }
  if (shape.kind === 'value') {
    out.push(`${indent}${shape.type}`);
    return;
  }
  for (const [name, field] of Object.entries(shape.keys)) out.push(...fieldLines(name, field, indent, depth));
}

function fieldLines(name: string, field: ParamField, indent: string, depth: number): string[] {
  const flags = field.required
    ? 'required'
    : field.default !== undefined
      ? `default ${JSON.stringify(field.default)}`
      : 'optional';
  const out: string[] = [];
  if (field.shape.kind === 'value') out.push(`${indent}${name}: ${field.shape.type} (${flags})`);
  else if (field.shape.kind === 'list' && field.shape.item.kind === 'value')
    out.push(`${indent}${name}: list of ${field.shape.item.type} (${flags})`);
  else {
    out.push(`${indent}${name}: ${field.shape.kind === 'list' ? 'list of' : 'object'} (${flags})`);
    shapeLines(field.shape.kind === 'list' ? field.shape.item : field.shape, `${indent}  `, out, depth + 1);
  }
  return out;
}

/** A function's description as text. */
export function describeFunctionText(summary: FunctionSummary, onSite: boolean | undefined): string {
  const lines = [
    `${summary.name} (${summary.type}${onSite === false ? ", not in this token's service" : ''})`,
    'parameters:',
  ];
  if (Object.keys(summary.parameters).length === 0) lines.push('  (none)');
  for (const [name, field] of Object.entries(summary.parameters))
    lines.push(...fieldLines(name, field, '  ', 0));
  lines.push('returns:');
  if (summary.returns) shapeLines(summary.returns, '  ', lines);
  else lines.push('  (nothing)');
  return lines.join('\n');
}

interface GqlField {
  name: string;
  type: unknown;
  args?: readonly { name: string; type: unknown; defaultValue?: unknown }[];
}

function rootField(schema: GraphQLSchema, name: string): { root: string; field: GqlField } | undefined {
  for (const [root, type] of [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
  ] as const) {
    const field = (type?.getFields() as Record<string, GqlField> | undefined)?.[name];
    if (field) return { root, field };
  }
  return undefined;
}

function typeText(schema: GraphQLSchema, name: string): string | undefined {
  const type = schema.getType(name) as
    | {
        name: string;
        getFields?: () => Record<string, GqlField>;
        getValues?: () => readonly { name: string }[];
        getTypes?: () => readonly { name: string }[];
      }
    | undefined;
  if (!type) return undefined;
  const kind =
    (type as { constructor?: { name?: string } }).constructor?.name
      ?.replace(/^GraphQL/, '')
      .replace(/Type$/, '') ?? 'Type';
  const lines = [`${name} (${kind.toLowerCase()})`];
  if (type.getFields)
    for (const field of Object.values(type.getFields())) {
      const args = field.args?.length
        ? `(${field.args.map((a) => `${a.name}: ${String(a.type)}`).join(', ')})`
        : '';
      lines.push(`  ${field.name}${args}: ${String(field.type)}`);
    }
  if (type.getValues)
    lines.push(
      `  values: ${type
        .getValues()
        .map((v) => v.name)
        .join(', ')}`,
    );
  if (type.getTypes)
    lines.push(
      `  one of: ${type
        .getTypes()
        .map((t) => t.name)
        .join(', ')}`,
    );
  return lines.join('\n');
}

/** The description of NAME: a function, a Totara query or mutation, or a type; undefined when unknown. */
export function describeName(knowledge: SiteKnowledge, name: string): string | undefined {
  const summary = knowledge.describeFunction(name);
  if (summary) {
    const onSite = knowledge.functionsFromSite ? knowledge.functionNames().includes(name) : undefined;
    return describeFunctionText(summary, onSite);
  }
  const schema = knowledge.schema;
  if (!schema) return undefined;
  const root = rootField(schema, name);
  if (root) {
    const lines = [`${root.root} ${name}: ${String(root.field.type)}`, 'arguments:'];
    if (!root.field.args?.length) lines.push('  (none)');
    for (const arg of root.field.args ?? []) lines.push(`  ${arg.name}: ${String(arg.type)}`);
    const result = namedType(root.field.type);
    const resultText = result ? typeText(schema, result.name) : undefined;
    if (resultText) lines.push('result:', ...resultText.split('\n').map((line) => `  ${line}`));
    return lines.join('\n');
  }
  return typeText(schema, name);
}
