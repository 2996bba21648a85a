// Global ids of `Node`s: base64url("<Type>:<uuid>"). Opaque to clients; they carry the row's
// primary key, which is harmless to reveal: lookups run under the caller's tenant, so another
// tenant's id finds nothing.
import { badInput } from './errors.ts';
import { isUuid } from './objects/property-values.ts';

export const NODE_TYPES = ['OntologyObject'] as const;
export type NodeType = (typeof NODE_TYPES)[number];

export function toGlobalId(type: NodeType, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

export function fromGlobalId(globalId: string): { type: NodeType; id: string } {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(globalId) ? Buffer.from(globalId, 'base64url').toString('utf8') : '';
  const separator = text.indexOf(':');
  const type = text.slice(0, separator);
  const id = text.slice(separator + 1);
  if (separator < 0 || !(NODE_TYPES as readonly string[]).includes(type) || !isUuid(id)) throw badInput('malformed id');
  return { type: type as NodeType, id: id.toLowerCase() };
}
