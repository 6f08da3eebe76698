/** Names and Role Provisioning Services: the members of a launch's context, paged by `Link` headers. */
import { type NrpsClaim, SCOPE } from '../claims.js';
import { ltiError } from '../errors.js';
import type { LtiPages } from './paging.js';
import { type ServiceContext, servicePages } from './request.js';

/** One member of the context. */
export interface Member {
  user_id: string;
  roles: string[];
  status?: 'Active' | 'Inactive' | 'Deleted' | string | undefined;
  name?: string | undefined;
  given_name?: string | undefined;
  family_name?: string | undefined;
  email?: string | undefined;
  picture?: string | undefined;
  lis_person_sourcedid?: string | undefined;
  /** Other fields the platform sent (Moodle adds `ext_user_username`). */
  [extra: string]: unknown;
}

/** A membership container page. */
export interface MembershipContainer {
  id: string;
  context: { id: string; label?: string | undefined; title?: string | undefined };
  members: Member[];
}

const CONTAINER = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json';

/**
 * An NRPS client for one launch's `namesroleservice` claim.
 *
 * @example
 * ```ts
 * for await (const member of tool.nrps(launch).members({ role: 'Learner' })) console.log(member.name);
 * const first100 = await tool.nrps(launch).members().toArray({ limit: 100 });
 * ```
 */
export class NrpsClient {
  readonly claim: NrpsClaim;
  readonly #ctx: ServiceContext;
  /** The context of the last page read. */
  context: MembershipContainer['context'] | undefined;

  constructor(ctx: ServiceContext, claim: NrpsClaim | undefined) {
    if (!claim)
      throw ltiError('service', 'lti.service_unavailable', 'The launch has no NRPS claim.', {
        moodle: ctx.moodle,
        vars: { claim: 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice' },
      });
    this.claim = claim;
    this.#ctx = ctx;
  }

  /** Members of the context (optionally with a role, or as of one resource link), page by page. */
  members(
    filter: { role?: string; resourceLinkId?: string; pageSize?: number } = {},
    signal?: AbortSignal,
  ): LtiPages<Member> {
    const first = new URL(this.claim.context_memberships_url);
    if (filter.role) first.searchParams.set('role', filter.role);
    if (filter.resourceLinkId) first.searchParams.set('rlid', filter.resourceLinkId);
    if (filter.pageSize) first.searchParams.set('limit', String(filter.pageSize));
    return servicePages(
      this.#ctx,
      first.toString(),
      { scopes: [SCOPE.nrps], accept: CONTAINER, signal },
      (json, url) => {
        const page = parseMembershipContainer(json, url, this.#ctx.moodle);
        this.context = page.context;
        return page.members;
      },
    );
  }
}

/** Checks the shape of a membership container (the parser of NRPS answers). */
export function parseMembershipContainer(
  json: unknown,
  url = 'the NRPS answer',
  moodle = false,
): MembershipContainer {
  const body = json as Partial<MembershipContainer> | undefined;
  if (
    !body ||
    typeof body !== 'object' ||
    !Array.isArray(body.members) ||
    body.members.some((m) => typeof m?.user_id !== 'string' || !Array.isArray(m.roles))
  )
    throw ltiError('service', 'lti.service_response_invalid', `${url} is not a membership container.`, {
      moodle,
      vars: { url, detail: 'members[] with user_id and roles expected' },
    });
  return body as MembershipContainer;
}
