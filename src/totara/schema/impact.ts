import {
  type DocumentNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isInputObjectType,
  Kind,
  NoUnusedFragmentsRule,
  specifiedRules,
  TypeInfo,
  validate,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type { SchemaChange } from './changes.js';
import { fragmentsUsedBy, indexDocuments, positionOf, type SourceDocument } from './documents.js';

/** How a schema change reaches one of the user's stored operations. */
export interface OperationImpact {
  path: string;
  line: number;
  operation: string;
  /** Coordinates of the breaking changes that touch what the operation uses. */
  breaking: string[];
  /** Coordinates of the dangerous changes that touch it. */
  dangerous: string[];
  /** Why the operation no longer validates against the new schema (empty when it still does). */
  errors: string[];
  /** True when the operation fails against the new schema or a breaking change touches it. */
  broken: boolean;
}

const RULES = specifiedRules.filter((rule) => rule !== NoUnusedFragmentsRule);

/**
 * Which of the user's operations the changes reach: every type and `Type.field` an operation uses (through its
 * fragments and the input types of its variables) is matched against what each change touches, and the operation
 * is validated against the new schema.
 *
 * @example
 * ```ts
 * const impacts = operationImpacts(before.schema, after.schema, compareSchemas(before.schema, after.schema), documents);
 * ```
 */
export function operationImpacts(
  oldSchema: GraphQLSchema,
  newSchema: GraphQLSchema,
  changes: readonly SchemaChange[],
  documents: readonly SourceDocument[],
): OperationImpact[] {
  const set = indexDocuments(documents);
  const out: OperationImpact[] = [];
  for (const { node, path } of set.operations) {
    const document: DocumentNode = {
      kind: Kind.DOCUMENT,
      definitions: [node, ...fragmentsUsedBy(node, set.fragments)],
    };
    const used = usage(oldSchema, document);
    const breaking = new Set<string>();
    const dangerous = new Set<string>();
    for (const change of changes) {
      if (change.severity === 'safe' || !change.touches.some((t) => used.has(t))) continue;
      (change.severity === 'breaking' ? breaking : dangerous).add(change.coordinate);
    }
    const errors = validate(newSchema, document, RULES).map((e) => e.message);
    const { line } = positionOf(node);
    out.push({
      path,
      line,
      operation: node.name?.value ?? '(anonymous)',
      breaking: [...breaking].sort(),
      dangerous: [...dangerous].sort(),
      errors,
      broken: errors.length > 0 || breaking.size > 0,
    });
  }
  return out;
}

/** The type names and `Type.field` coordinates an operation uses, resolved against `schema`. */
function usage(schema: GraphQLSchema, document: DocumentNode): Set<string> {
  const used = new Set<string>();
  const addInput = (type: GraphQLNamedType | undefined): void => {
    if (!type || used.has(type.name)) return;
    used.add(type.name);
    if (isInputObjectType(type))
      for (const field of Object.values(type.getFields())) addInput(getNamedType(field.type));
  };
  const info = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(info, {
      Field() {
        const parent = info.getParentType();
        const field = info.getFieldDef();
        if (parent && field) {
          used.add(parent.name);
          used.add(`${parent.name}.${field.name}`);
          used.add(getNamedType(field.type).name);
        }
      },
      Argument() {
        const arg = info.getArgument();
        if (arg) addInput(getNamedType(arg.type));
      },
      Directive(node) {
        used.add(`@${node.name.value}`);
      },
      InlineFragment(node) {
        if (node.typeCondition) used.add(node.typeCondition.name.value);
      },
      FragmentDefinition(node) {
        used.add(node.typeCondition.name.value);
      },
      VariableDefinition() {
        const type = info.getInputType();
        if (type) addInput(getNamedType(type));
      },
    }),
  );
  return used;
}
