import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

/**
 * A GraphQL document that carries its result and variables types, as written by `mts codegen totara`. It is the
 * community `TypedDocumentNode`, so documents from other generators work with the client too.
 */
export type TypedDocument<
  Result = Record<string, unknown>,
  Variables = Record<string, unknown>,
> = TypedDocumentNode<Result, Variables>;

/** The result type carried by a {@link TypedDocument}. */
export type ResultOf<D> = D extends TypedDocumentNode<infer R, infer _V> ? R : never;

/** The variables type carried by a {@link TypedDocument}. */
export type VariablesOf<D> = D extends TypedDocumentNode<infer _R, infer V> ? V : never;
