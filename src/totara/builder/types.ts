/**
 * Type-level machinery of the typed builder: selections allowed on a type, the arguments of a field, and the
 * result a selection yields. It reads the compact schema table emitted by `mts codegen totara` (type strings such
 * as `'[core_user!]!'`) with template literal types, so one table serves run time and type checking.
 */

/** How one field is described in the table: its type, then its arguments and default date format if any. */
export type FieldSpec =
  | string
  | readonly [type: string, args: { readonly [arg: string]: string }]
  | readonly [type: string, args: { readonly [arg: string]: string }, dateDefault: string];

/** The compact schema table emitted into `table.ts`. */
export interface BuilderTable {
  readonly query: string | null;
  readonly mutation: string | null;
  readonly types: { readonly [type: string]: { readonly [field: string]: FieldSpec } };
  readonly possible: { readonly [abstractType: string]: readonly string[] };
}

/** What the builder knows of a schema at type level: the `SchemaTypes` interface emitted into `table.ts`. */
export interface BuilderSchema {
  table: BuilderTable;
  scalars: object;
  enums: object;
  inputs: object;
  dateFormats: object;
}

type ScalarSide<T, D extends 'input' | 'output'> = T extends { [K in D]: infer V } ? V : unknown;
type Types<S extends BuilderSchema> = S['table']['types'];
type Possible<S extends BuilderSchema> = S['table']['possible'];
type TypeString<Spec> = Spec extends string
  ? Spec
  : Spec extends readonly [infer T extends string, ...unknown[]]
    ? T
    : never;
type ArgSpecs<Spec> = Spec extends readonly [string, infer A, ...unknown[]] ? A : Record<never, never>;
type DateDefault<Spec> = Spec extends readonly [string, unknown, infer D] ? D : never;

/** The named type inside list and non-null markers: `'[core_user!]!'` → `'core_user'`. */
export type NamedOf<T extends string> = T extends `${infer I}!`
  ? NamedOf<I>
  : T extends `[${infer I}]`
    ? NamedOf<I>
    : T extends `${infer I}=`
      ? NamedOf<I>
      : T;

type IsComposite<S extends BuilderSchema, N> = N extends keyof Types<S>
  ? true
  : N extends keyof Possible<S>
    ? true
    : false;

type Output<T extends string, Leaf> = T extends `${infer I}!`
  ? OutputNonNull<I, Leaf>
  : OutputNonNull<T, Leaf> | null;
type OutputNonNull<T extends string, Leaf> = T extends `[${infer I}]` ? Array<Output<I, Leaf>> : Leaf;

type Input<S extends BuilderSchema, T extends string> = T extends `${infer I}=`
  ? Input<S, I>
  : T extends `${infer I}!`
    ? InputNonNull<S, I>
    : InputNonNull<S, T> | null;
type InputNonNull<S extends BuilderSchema, T extends string> = T extends `[${infer I}]`
  ? Array<Input<S, I>>
  : T extends keyof S['scalars']
    ? ScalarSide<S['scalars'][T], 'input'>
    : T extends keyof S['enums']
      ? S['enums'][T]
      : T extends keyof S['inputs']
        ? S['inputs'][T]
        : unknown;

/** The `__args` object of a field: required arguments are required keys. */
export type FieldArgs<S extends BuilderSchema, Spec> = {
  [K in keyof ArgSpecs<Spec> as ArgSpecs<Spec>[K] extends `${string}!` ? K : never]: Input<
    S,
    ArgSpecs<Spec>[K] & string
  >;
} & {
  [K in keyof ArgSpecs<Spec> as ArgSpecs<Spec>[K] extends `${string}!` ? never : K]?: Input<
    S,
    ArgSpecs<Spec>[K] & string
  >;
};

type HasRequiredArg<Spec> = true extends {
  [K in keyof ArgSpecs<Spec>]: ArgSpecs<Spec>[K] extends `${string}!` ? true : false;
}[keyof ArgSpecs<Spec>]
  ? true
  : false;

type ArgsSelection<S extends BuilderSchema, Spec> = keyof ArgSpecs<Spec> extends never
  ? unknown
  : HasRequiredArg<Spec> extends true
    ? { __args: FieldArgs<S, Spec> }
    : { __args?: FieldArgs<S, Spec> };

type FieldSelection<S extends BuilderSchema, Spec> =
  IsComposite<S, NamedOf<TypeString<Spec>>> extends true
    ? Selection<S, NamedOf<TypeString<Spec>>> & ArgsSelection<S, Spec>
    : keyof ArgSpecs<Spec> extends never
      ? true
      : HasRequiredArg<Spec> extends true
        ? ArgsSelection<S, Spec>
        : true | ArgsSelection<S, Spec>;

type OnSelection<S extends BuilderSchema, T> = T extends keyof Possible<S>
  ? { [P in Possible<S>[T][number] as `on_${P}`]?: Selection<S, P> }
  : unknown;

type FieldsSelection<S extends BuilderSchema, T> = T extends keyof Types<S>
  ? { [F in keyof Types<S>[T]]?: FieldSelection<S, Types<S>[T][F]> }
  : unknown;

/**
 * What may be selected on type `T`: `field: true` for a scalar, a nested selection for an object, `__args` for
 * arguments, `__typename: true`, and `on_<Type>` for the members of an interface or union.
 */
export type Selection<S extends BuilderSchema, T> = { __typename?: true } & FieldsSelection<S, T> &
  OnSelection<S, T>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type DateOutput<S extends BuilderSchema, Spec, Sel> = (
  Sel extends { __args: { format: infer F } }
    ? F
    : DateDefault<Spec>
) extends infer F
  ? [F] extends [never]
    ? S['dateFormats'][keyof S['dateFormats']]
    : F extends keyof S['dateFormats']
      ? S['dateFormats'][F]
      : S['dateFormats'][keyof S['dateFormats']]
  : never;

type Leaf<S extends BuilderSchema, Spec, Sel, N extends string> =
  IsComposite<S, N> extends true
    ? ResultOfSelection<S, N, Sel>
    : N extends 'core_date'
      ? DateOutput<S, Spec, Sel>
      : N extends keyof S['enums']
        ? S['enums'][N]
        : N extends keyof S['scalars']
          ? ScalarSide<S['scalars'][N], 'output'>
          : unknown;

type FieldResult<S extends BuilderSchema, Spec, Sel> = Output<
  TypeString<Spec>,
  Leaf<S, Spec, Sel, NamedOf<TypeString<Spec>>>
>;

type Plain<Sel> = { [K in keyof Sel as K extends '__args' | `on_${string}` ? never : K]: Sel[K] };

type ObjectResult<S extends BuilderSchema, T, Sel> = T extends keyof Types<S>
  ? {
      [K in keyof Plain<Sel>]: K extends '__typename'
        ? T
        : K extends keyof Types<S>[T]
          ? FieldResult<S, Types<S>[T][K], Sel[K]>
          : never;
    }
  : Record<never, never>;

type MemberResult<S extends BuilderSchema, P, Sel> = Simplify<
  ObjectResult<S, P, Sel> &
    (Sel extends { [K in `on_${P & string}`]: infer Sub } ? ObjectResult<S, P, Sub> : Record<never, never>)
>;

/** The result of selection `Sel` on type `T`: one member per possible type when `T` is an interface or union. */
export type ResultOfSelection<S extends BuilderSchema, T, Sel> = T extends keyof Possible<S>
  ? { [P in Possible<S>[T][number]]: MemberResult<S, P, Sel> }[Possible<S>[T][number]]
  : Simplify<ObjectResult<S, T, Sel>>;

/** The root type name of queries (or mutations) in a schema. */
export type RootOf<S extends BuilderSchema, K extends 'query' | 'mutation'> = S['table'][K] & string;
