// Link types' and links' fields, and the bounded traversal. Link.from and Link.to are loaders
// (gateway/loaders/link-endpoints.ts).
import { GatewayError } from '../errors.ts';
import { redactProperties } from '../objects/redaction.ts';
import { traverse, type TraverseArgs } from '../objects/traversal.ts';
import type { GatewayContext } from '../request-scope.ts';
import type { LinkTypeRecord } from '../sql/catalog.ts';
import type { LinkRecord } from '../sql/links.ts';

async function linkTypeOf(link: LinkRecord, context: GatewayContext): Promise<LinkTypeRecord> {
  const type = (await context.catalog()).linkTypeById(link.linkTypeId);
  if (type === undefined) throw new GatewayError('INTERNAL', `link type ${link.linkTypeId} of a link is missing from the catalog`);
  return type;
}

async function redacted(link: LinkRecord, context: GatewayContext) {
  return redactProperties(link.properties, (await linkTypeOf(link, context)).sensitiveNames, context.canReadSensitive);
}

export const linkResolvers = {
  Query: {
    traverse: (_root: unknown, args: TraverseArgs, context: GatewayContext) => traverse(context, args),
  },
  Link: {
    linkType: async (link: LinkRecord, _args: unknown, context: GatewayContext): Promise<string> => (await linkTypeOf(link, context)).name,
    properties: async (link: LinkRecord, _args: unknown, context: GatewayContext) => (await redacted(link, context)).properties,
    redacted: async (link: LinkRecord, _args: unknown, context: GatewayContext) => (await redacted(link, context)).redacted,
  },
};
