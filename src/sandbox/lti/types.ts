/** Shapes of the sandbox LTI platform: tools registered with it, users, contexts, launches and faults. */
import type { JSONWebKeySet } from 'jose';

/** A tool registered with the simulated platform (Moodle's "External tool configuration"). */
export interface SimToolConfig {
  /** Tool name. */
  name?: string | undefined;
  /** Moodle: "Tool URL"; the default target of resource link launches. */
  targetLinkUri: string;
  /** Moodle: "Initiate login URL". */
  loginUrl: string;
  /** Moodle: "Redirection URI(s)"; the auth endpoint accepts only these, exactly. Default: [targetLinkUri]. */
  redirectUris?: string[] | undefined;
  /** Moodle: "Public keyset" (Keyset URL). Either this or `publicJwks`. */
  jwksUrl?: string | undefined;
  /** The tool's public keys, when given directly. */
  publicJwks?: JSONWebKeySet | undefined;
  /** Where deep linking launches go. Default: targetLinkUri. */
  deepLinkingUrl?: string | undefined;
  /** Fixed client id (default: a random one, like Moodle's). */
  clientId?: string | undefined;
  /** Fixed deployment id (default: the next number). */
  deploymentId?: string | undefined;
  /** Custom parameters sent with every launch (Moodle: "Custom parameters"); `$User.id` and friends are substituted. */
  custom?: Record<string, string> | undefined;
  /** `pending` for a dynamically registered tool until it is activated (it launches anyway, as on Moodle). Default `active`. */
  state?: 'active' | 'pending' | undefined;
  /** Claims the tool asked for at registration: names and email are sent only when listed. Absent: always sent. */
  claims?: string[] | undefined;
  /** Service scopes granted. Absent: every AGS and NRPS scope. */
  scopes?: string[] | undefined;
  /** The tool's domain as registered (Moodle: "Tool domain"). */
  domain?: string | undefined;
  /** What the tool said about itself at registration. */
  description?: string | undefined;
  /** The tool's logo, from its registration. */
  logoUri?: string | undefined;
}

/** A registered tool, with the values the platform gave it. */
export interface SimTool extends SimToolConfig {
  clientId: string;
  deploymentId: string;
  redirectUris: string[];
}

/** A user of the simulated platform. */
export interface SimUser {
  id: string;
  name: string;
  givenName: string;
  familyName: string;
  email: string;
  username: string;
  /** Short role names in the default context: `Instructor`, `Learner`, `Administrator`... */
  roles: string[];
}

/** A course of the simulated platform. */
export interface SimContext {
  id: string;
  label: string;
  title: string;
}

/** Faults the platform can inject into one launch. */
export interface LaunchFaults {
  /** iat and exp in the past: the token is expired on arrival. */
  expired?: boolean | undefined;
  /** `aud` is another client id. */
  wrongAudience?: boolean | undefined;
  /** The platform rotates its key before signing (new kid; the tool must refetch the JWKS). */
  rotateKey?: boolean | undefined;
  /** Signed with a key the JWKS never publishes. */
  unpublishedKey?: boolean | undefined;
  /** The token carries the nonce of the last launch of this tool that had no fault a tool must refuse (its nonce is spent). */
  replayedNonce?: boolean | undefined;
  /** Claims removed from the token: short names (`deployment_id`, `roles`, `nonce`, `resource_link`...) or full. */
  missingClaims?: string[] | undefined;
  /** Shifts iat/exp by this many ms (positive: the platform's clock is ahead). */
  clockSkewMs?: number | undefined;
  /** `deployment_id` replaced by this value. */
  deploymentId?: string | undefined;
}

/** What to launch. */
export interface LaunchRequestSpec {
  /** The tool (by client id). Default: the only registered tool. */
  clientId?: string | undefined;
  messageType?: 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest' | undefined;
  /** User id (login_hint). Default: the first learner (resource link) or instructor (deep linking). */
  userId?: string | undefined;
  /** Roles override (short names or full URIs). */
  roles?: string[] | undefined;
  /** Context override. */
  context?: SimContext | undefined;
  /** Custom claims merged over the tool's (Moodle as tool needs `id`: the published resource's uuid). */
  custom?: Record<string, string> | undefined;
  /** Display name of the resource link (default `Sandbox activity`). */
  resourceLinkTitle?: string | undefined;
  /** Target override (default: the tool URL, or deepLinkingUrl). */
  targetLinkUri?: string | undefined;
  /** Resource link id (default `1`). */
  resourceLinkId?: string | undefined;
  /** Deep linking `data` to be echoed. */
  deepLinkingData?: string | undefined;
  /** Anonymous launch: no `sub`. */
  anonymous?: boolean | undefined;
  faults?: LaunchFaults | undefined;
}

/** The login initiation a browser must send to the tool. */
export interface LoginInitiation {
  /** The tool's "Initiate login URL". */
  url: string;
  method: 'POST';
  params: Record<string, string>;
}
