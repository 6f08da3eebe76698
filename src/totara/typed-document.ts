import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

/**
 * A GraphQL document that carries its result and variables types, as written by `mts codegen totara`. It is the
 * community `TypedDocumentNode`, so documents from other generators work with the client too.
 */
export type TypedDocument<
  Result = Record<string, unknown>,
  Variables = Record<string, unknown>,
> = TypedDocumentNode<Result, Variables>;

/** The result type carried by a typed document (a {@link TypedDocument} or a builder's document). */
export type ResultOf<D> = D extends { readonly __apiType?: (variables: infer _V) => infer R } ? R : never;

/** The variables type carried by a typed document. */
export type VariablesOf<D> = D extends { readonly __apiType?: (variables: infer V) => infer _R } ? V : never;
