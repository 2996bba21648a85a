// Link types' and links' fields, and the bounded traversal. Link.from and Link.to are loaders
// (gateway/loaders/link-endpoints.ts) unless the link carries its endpoint.
import { GatewayError } from '../errors.ts';
import { redactProperties } from '../objects/redaction.ts';
import { traverse, type TraverseArgs } from '../objects/traversal.ts';
import { withCatalog, type GatewayContext } from '../request-scope.ts';
import type { Catalog, LinkTypeRecord } from '../sql/catalog.ts';
import type { LinkRecord } from '../sql/links.ts';

function typeIn(catalog: Catalog, link: LinkRecord): LinkTypeRecord {
  const type = catalog.linkTypeById(link.linkTypeId);
  if (type === undefined) throw new GatewayError('INTERNAL', `link type ${link.linkTypeId} of a link is missing from the catalog`);
  return type;
}

function withType<R>(link: LinkRecord, context: GatewayContext, answer: (type: LinkTypeRecord) => R): R | Promise<R> {
  return withCatalog(context, (catalog) => answer(typeIn(catalog, link)));
}

function redacted(link: LinkRecord, context: GatewayContext, type: LinkTypeRecord) {
  return redactProperties(link.properties, type.sensitiveNames, context.canReadSensitive);
}

export const linkResolvers = {
  Query: {
    traverse: (_root: unknown, args: TraverseArgs, context: GatewayContext) => traverse(context, args),
  },
  Link: {
    linkType: (link: LinkRecord, _args: unknown, context: GatewayContext) => withType(link, context, (type) => type.name),
    properties: (link: LinkRecord, _args: unknown, context: GatewayContext) => withType(link, context, (type) => redacted(link, context, type).properties),
    redacted: (link: LinkRecord, _args: unknown, context: GatewayContext) => withType(link, context, (type) => redacted(link, context, type).redacted),
  },
};
