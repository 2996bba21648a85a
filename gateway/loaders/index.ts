// The Mercurius loaders (batched field resolvers against N+1), by type and field. Mercurius
// collects every call of a field made while one level of the response resolves and hands them
// to the loader at once, per request.
import type { MercuriusLoaders } from 'mercurius';
import { linkFromLoader, linkToLoader } from './link-endpoints.ts';
import { objectLinksLoader } from './object-links.ts';
import { proposalApprovalsLoader } from './proposal-approvals.ts';
import { proposalHistoryLoader } from './proposal-history.ts';
import { proposalToolLoader } from './proposal-tool.ts';

export function gatewayLoaders(): MercuriusLoaders {
  return {
    OntologyObject: { links: objectLinksLoader },
    Link: { from: linkFromLoader, to: linkToLoader },
    Proposal: { approvals: proposalApprovalsLoader, history: proposalHistoryLoader, tool: proposalToolLoader },
  } as unknown as MercuriusLoaders;
}
