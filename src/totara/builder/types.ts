/**
 * Type-level machinery of the typed builder: selections allowed on a type, the arguments of a field, and the
 * result a selection yields. It reads the compact schema table emitted by `mts codegen totara` (type strings such
 * as `'[core_user!]!'`) with template literal types, so one table serves run time and type checking.
 */

/**
 * The document a builder makes: a GraphQL `DocumentNode` at run time, typed here by shape only (the
 * `TypedDocumentNode` protocol's `__apiType`), so that code using the builder never loads graphql's or the
 * client's types into the compiler. `TotaraClient.request` reads the result type from it.
 */
export interface BuiltDocument<Result, Variables = Record<string, unknown>> {
  readonly kind: 'Document';
  readonly definitions: readonly object[];
  /** Carries the types only; never set at run time. */
  __apiType?(variables: Variables): Result;
}

/**
 * What a misspelt selection key must be, so that the compiler's error names it: an object whose only key is the
 * message. (A message as a plain string type would vanish: the selection is typed `Sel & StrictSelection<…>`, and
 * `true & "message"` is `never`, which is all the old error said.)
 */
export type UnknownField<T, K> = {
  readonly [M in `✗ ${T & string} has no field "${K & string}"`]: 'check the spelling';
};

/** What a misspelt argument must be, naming it. */
export type UnknownArgument<K> = {
  readonly [M in `✗ no argument "${K & string}" on this field`]: 'check the spelling';
};

/** What a misspelt key of an input object must be, naming it. */
export type UnknownInputField<K> = {
  readonly [M in `✗ no input field "${K & string}" here`]: 'check the spelling';
};

/** How one field is described in the table: its type, then its arguments and default date format if any. */
export type FieldSpec =
  | string
  | readonly [type: string, args: { readonly [arg: string]: string }]
  | readonly [type: string, args: { readonly [arg: string]: string }, dateDefault: string];

/** The compact schema table emitted into `table.ts`: each type's fields as {@link FieldSpec} entries. */
export interface BuilderTable {
  readonly query: string | null;
  readonly mutation: string | null;
  readonly types: { readonly [type: string]: { readonly [field: string]: FieldSpec } };
  readonly possible: { readonly [abstractType: string]: readonly string[] };
}

/**
 * What a schema's table must be at type level. Deliberately loose: checking a generated table entry by entry
 * against {@link BuilderTable} cost the compiler more than the rest of the generated code together, and the
 * machinery below reads entries with conditional types anyway.
 */
export interface BuilderTableShape {
  readonly query: string | null;
  readonly mutation: string | null;
  readonly types: object;
  readonly possible: { readonly [abstractType: string]: readonly string[] };
}

/** What the builder knows of a schema at type level: the `SchemaTypes` interface emitted into `table.ts`. */
export interface BuilderSchema {
  table: BuilderTableShape;
  scalars: object;
  enums: object;
  inputs: object;
  dateFormats: object;
}

/** The `input` or `output` side of a scalar entry. */
export type ScalarDirection<T, D extends 'input' | 'output'> = T extends { [K in D]: infer V } ? V : unknown;
/** The object and interface types of a schema table. */
export type TableTypes<S extends BuilderSchema> = S['table']['types'];
/** The members of each interface and union of a schema table. */
export type TablePossible<S extends BuilderSchema> = S['table']['possible'];
/** The type string of a field entry (`'[core_user!]!'`). */
export type FieldTypeString<Spec> = Spec extends string
  ? Spec
  : Spec extends readonly [infer T extends string, ...unknown[]]
    ? T
    : never;
/** The argument types of a field entry. */
export type FieldArgSpecs<Spec> = Spec extends readonly [string, infer A, ...unknown[]]
  ? A
  : Record<never, never>;
/** The default `format` of a `core_date` field entry. */
export type FieldDateDefault<Spec> = Spec extends readonly [string, unknown, infer D] ? D : never;

/** The named type inside list and non-null markers: `'[core_user!]!'` → `'core_user'`. */
export type NamedOf<T extends string> = T extends `${infer I}!`
  ? NamedOf<I>
  : T extends `[${infer I}]`
    ? NamedOf<I>
    : T extends `${infer I}=`
      ? NamedOf<I>
      : T;

/** True when a type name is an object, interface or union of the table. */
export type IsCompositeType<S extends BuilderSchema, N> = N extends keyof TableTypes<S>
  ? true
  : N extends keyof TablePossible<S>
    ? true
    : false;

/** A result value of a type string, with its lists and nulls. */
export type OutputValue<T extends string, Leaf> = T extends `${infer I}!`
  ? OutputValueNonNull<I, Leaf>
  : OutputValueNonNull<T, Leaf> | null;
/** A non-null result value of a type string. */
export type OutputValueNonNull<T extends string, Leaf> = T extends `[${infer I}]`
  ? Array<OutputValue<I, Leaf>>
  : Leaf;

/** An argument value of a type string, with its lists and nulls. */
export type InputValue<S extends BuilderSchema, T extends string> = T extends `${infer I}=`
  ? InputValue<S, I>
  : T extends `${infer I}!`
    ? InputValueNonNull<S, I>
    : InputValueNonNull<S, T> | null;
/** A non-null argument value of a type string. */
export type InputValueNonNull<S extends BuilderSchema, T extends string> = T extends `[${infer I}]`
  ? Array<InputValue<S, I>>
  : T extends keyof S['scalars']
    ? ScalarDirection<S['scalars'][T], 'input'>
    : T extends keyof S['enums']
      ? S['enums'][T]
      : T extends keyof S['inputs']
        ? S['inputs'][T]
        : unknown;

/** The `__args` object of a field: required arguments are required keys. */
export type FieldArgs<S extends BuilderSchema, Spec> = {
  [K in keyof FieldArgSpecs<Spec> as FieldArgSpecs<Spec>[K] extends `${string}!` ? K : never]: InputValue<
    S,
    FieldArgSpecs<Spec>[K] & string
  >;
} & {
  [K in keyof FieldArgSpecs<Spec> as FieldArgSpecs<Spec>[K] extends `${string}!` ? never : K]?: InputValue<
    S,
    FieldArgSpecs<Spec>[K] & string
  >;
};

/** True when a field entry has a required argument. */
export type HasRequiredArgument<Spec> = true extends {
  [K in keyof FieldArgSpecs<Spec>]: FieldArgSpecs<Spec>[K] extends `${string}!` ? true : false;
}[keyof FieldArgSpecs<Spec>]
  ? true
  : false;

/** The `__args` part of a field selection. */
export type ArgumentsSelection<S extends BuilderSchema, Spec> = keyof FieldArgSpecs<Spec> extends never
  ? unknown
  : HasRequiredArgument<Spec> extends true
    ? { __args: FieldArgs<S, Spec> }
    : { __args?: FieldArgs<S, Spec> };

/** What may be selected on one field. */
export type FieldSelection<S extends BuilderSchema, Spec> =
  IsCompositeType<S, NamedOf<FieldTypeString<Spec>>> extends true
    ? Selection<S, NamedOf<FieldTypeString<Spec>>> & ArgumentsSelection<S, Spec>
    : keyof FieldArgSpecs<Spec> extends never
      ? true
      : HasRequiredArgument<Spec> extends true
        ? ArgumentsSelection<S, Spec>
        : true | ArgumentsSelection<S, Spec>;

/** The `on_<Type>` selections of an interface or union. */
export type MemberSelection<S extends BuilderSchema, T> = T extends keyof TablePossible<S>
  ? { [P in TablePossible<S>[T][number] as `on_${P}`]?: Selection<S, P> }
  : unknown;

/** The field selections of an object or interface. */
export type FieldsSelection<S extends BuilderSchema, T> = T extends keyof TableTypes<S>
  ? { [F in keyof TableTypes<S>[T]]?: FieldSelection<S, TableTypes<S>[T][F]> } & {
      [F in keyof TableTypes<S>[T] as `${string}:${F & string}`]?: FieldSelection<S, TableTypes<S>[T][F]>;
    }
  : unknown;

/** The field an `alias:field` selection key names (the key itself when it has no alias). */
export type FieldOfKey<K> = K extends `${string}:${infer F}` ? F : K;

/** The result key of an `alias:field` selection key: the alias (the key itself when it has none). */
export type ResultKey<K> = K extends `${infer A}:${string}` ? A : K;

/**
 * What may be selected on type `T`: `field: true` for a scalar, a nested selection for an object, `__args` for
 * arguments, `__typename: true`, `__scalar: true` for every scalar and enum field that needs no argument,
 * `'alias:field'` to select a field under another name (twice with different arguments, say), and `on_<Type>` for
 * the members of an interface or union.
 */
export type Selection<S extends BuilderSchema, T> = { __typename?: true; __scalar?: true } & FieldsSelection<
  S,
  T
> &
  MemberSelection<S, T>;

/** The fields `__scalar: true` selects: scalar and enum fields without a required argument. */
export type ScalarFieldKeys<S extends BuilderSchema, T> = T extends keyof TableTypes<S>
  ? {
      [K in keyof TableTypes<S>[T]]: IsCompositeType<
        S,
        NamedOf<FieldTypeString<TableTypes<S>[T][K]>>
      > extends true
        ? never
        : HasRequiredArgument<TableTypes<S>[T][K]> extends true
          ? never
          : K;
    }[keyof TableTypes<S>[T]]
  : never;

/** Flattens an intersection into one object type for readable hovers. */
export type Simplified<T> = { [K in keyof T]: T[K] } & {};

/** What a `core_date` field returns for the `format` chosen (or its default). */
export type CoreDateOutput<S extends BuilderSchema, Spec, Sel> = (
  Sel extends { __args: { format: infer F } }
    ? F
    : FieldDateDefault<Spec>
) extends infer F
  ? [F] extends [never]
    ? S['dateFormats'][keyof S['dateFormats']]
    : F extends keyof S['dateFormats']
      ? S['dateFormats'][F]
      : S['dateFormats'][keyof S['dateFormats']]
  : never;

/** The result of a field once lists and nulls are removed. */
export type LeafResult<S extends BuilderSchema, Spec, Sel, N extends string> =
  IsCompositeType<S, N> extends true
    ? ResultOfSelection<S, N, Sel>
    : N extends 'core_date'
      ? CoreDateOutput<S, Spec, Sel>
      : N extends keyof S['enums']
        ? S['enums'][N]
        : N extends keyof S['scalars']
          ? ScalarDirection<S['scalars'][N], 'output'>
          : unknown;

/** The result of one selected field. */
export type FieldResult<S extends BuilderSchema, Spec, Sel> = OutputValue<
  FieldTypeString<Spec>,
  LeafResult<S, Spec, Sel, NamedOf<FieldTypeString<Spec>>>
>;

/** A selection without `__args`, `__scalar` and `on_<Type>` keys. */
export type PlainSelection<Sel> = {
  [K in keyof Sel as K extends '__args' | '__scalar' | `on_${string}` ? never : K]: Sel[K];
};

/** The scalar fields `__scalar: true` adds, those selected explicitly left to the explicit selection. */
export type ScalarSelection<S extends BuilderSchema, T, Sel> = Sel extends { __scalar: true }
  ? { [K in Exclude<ScalarFieldKeys<S, T>, keyof Sel>]: true }
  : Record<never, never>;

/** The result of a selection on one object type. */
export type ObjectResult<S extends BuilderSchema, T, Sel> = T extends keyof TableTypes<S>
  ? {
      [K in
        | keyof PlainSelection<Sel>
        | keyof ScalarSelection<S, T, Sel> as ResultKey<K>]: K extends '__typename'
        ? T
        : FieldOfKey<K> extends keyof TableTypes<S>[T]
          ? FieldResult<S, TableTypes<S>[T][FieldOfKey<K>], K extends keyof Sel ? Sel[K] : true>
          : never;
    }
  : Record<never, never>;

/** The result for one member of an interface or union. */
export type MemberResult<S extends BuilderSchema, P, Sel> = Simplified<
  ObjectResult<S, P, Sel> &
    (Sel extends { [K in `on_${P & string}`]: infer Sub } ? ObjectResult<S, P, Sub> : Record<never, never>)
>;

/** The result of selection `Sel` on type `T`: one member per possible type when `T` is an interface or union. */
export type ResultOfSelection<S extends BuilderSchema, T, Sel> = T extends keyof TablePossible<S>
  ? { [P in TablePossible<S>[T][number]]: MemberResult<S, P, Sel> }[TablePossible<S>[T][number]]
  : Simplified<ObjectResult<S, T, Sel>>;

/**
 * `Sel` with every key the schema does not know mapped to a message naming it (fields, `on_<Type>` members and
 * `__args` arguments), so that a misspelling fails to type-check even beside correct keys (a generic parameter
 * escapes TypeScript's excess property check) and the error names it:
 * `Type 'true' is not assignable to type 'boolean & UnknownField<"core_user", "fulname">'`.
 * `Spec` is the entry of the field `Sel` was selected on.
 */
export type StrictSelection<S extends BuilderSchema, T, Sel, Spec = never> = {
  [K in keyof Sel]: K extends '__typename' | '__scalar'
    ? Sel[K]
    : K extends '__args'
      ? StrictArguments<S, Spec, Sel[K]>
      : K extends `on_${infer P}`
        ? StrictSelection<S, P, Sel[K]>
        : T extends keyof TableTypes<S>
          ? FieldOfKey<K> extends keyof TableTypes<S>[T]
            ? StrictField<S, TableTypes<S>[T][FieldOfKey<K>], Sel[K]>
            : UnknownField<T, FieldOfKey<K>>
          : UnknownField<T, FieldOfKey<K>>;
};

/** One field's selection made strict: nested selections and `__args` alike. */
export type StrictField<S extends BuilderSchema, Spec, FieldSel> =
  IsCompositeType<S, NamedOf<FieldTypeString<Spec>>> extends true
    ? StrictSelection<S, NamedOf<FieldTypeString<Spec>>, FieldSel, Spec>
    : FieldSel extends { __args: unknown }
      ? {
          [K in keyof FieldSel]: K extends '__args'
            ? StrictArguments<S, Spec, FieldSel[K]>
            : UnknownArgument<K>;
        }
      : FieldSel;

/** `__args` with the arguments the field does not take, and unknown keys of input objects, mapped to `never`. */
export type StrictArguments<S extends BuilderSchema, Spec, Args> = {
  [A in keyof Args]: A extends keyof FieldArgs<S, Spec>
    ? StrictInput<FieldArgs<S, Spec>[A], Args[A]>
    : UnknownArgument<A>;
};

/** An input value with the keys its input type does not have mapped to `never`, through lists and nesting. */
export type StrictInput<Expected, Value> = Value extends readonly unknown[]
  ? { [I in keyof Value]: StrictInput<ListElement<Expected>, Value[I]> }
  : Value extends object
    ? keyof NonNullable<Expected> extends never
      ? Value
      : {
          [K in keyof Value]: K extends keyof NonNullable<Expected>
            ? StrictInput<NonNullable<Expected>[K], Value[K]>
            : UnknownInputField<K>;
        }
    : Value;

/** The element type of a list input type. */
export type ListElement<T> = NonNullable<T> extends ReadonlyArray<infer E> ? E : NonNullable<T>;

/** The root type name of queries (or mutations) in a schema. */
export type RootOf<S extends BuilderSchema, K extends 'query' | 'mutation'> = S['table'][K] & string;
