// The batched field resolvers against N+1, by type and field: every call of a field made while
// one level of the response resolves goes to the loader at once, per request. The object
// graph's (OntologyObject.links, Link.from, Link.to) batch through request-batch.ts; the
// proposals' are Mercurius loaders.
import type { MercuriusLoaders } from 'mercurius';
import type { GatewayContext } from '../request-scope.ts';
import type { LinkRecord } from '../sql/links.ts';
import type { ObjectRecord } from '../sql/objects.ts';
import { linkFromLoader, linkToLoader } from './link-endpoints.ts';
import type { SelectionInfo } from '../selection.ts';
import { linkProjection } from './link-projection.ts';
import { objectLinksLoader, type LinksParams } from './object-links.ts';
import { proposalApprovalsLoader } from './proposal-approvals.ts';
import { proposalHistoryLoader } from './proposal-history.ts';
import { proposalToolLoader } from './proposal-tool.ts';
import { loadInBatch } from './request-batch.ts';

export function graphFieldResolvers() {
  return {
    OntologyObject: {
      links: (obj: ObjectRecord, params: LinksParams, context: GatewayContext, info: SelectionInfo) =>
        loadInBatch(objectLinksLoader, { obj, params, projection: linkProjection(info) }, context),
    },
    // An endpoint the link was read with is returned as it is: no promise, no batch (a
    // 3-level nested query has hundreds of them, and each promise costs graphql's executor).
    Link: {
      from: (obj: LinkRecord, _params: unknown, context: GatewayContext) => obj.fromObject ?? loadInBatch(linkFromLoader, { obj }, context),
      to: (obj: LinkRecord, _params: unknown, context: GatewayContext) => obj.toObject ?? loadInBatch(linkToLoader, { obj }, context),
    },
  };
}

export function gatewayLoaders(): MercuriusLoaders {
  return {
    Proposal: { approvals: proposalApprovalsLoader, history: proposalHistoryLoader, tool: proposalToolLoader },
  } as unknown as MercuriusLoaders;
}
