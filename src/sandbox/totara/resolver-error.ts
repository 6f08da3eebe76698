/** A failure inside a resolver: Totara shows it as "Internal server error" with this as the debug message. */
export class SandboxResolverError extends Error {}
