// Name-based UUIDs with SHA-256. RFC 9562 (which obsoletes RFC 4122) §5.8 and Appendix B.2: hash a
// namespace UUID followed by the name, keep the first 128 bits, then set the version field to 8
// (custom) and the variant to 0b10. The same namespace and name always give the same UUID, so
// publishing an unchanged ontology file twice yields the same eventIds and consumers drop the
// repeat. (The RFC's B.2 example, DNS namespace + "www.example.com", is checked in the tests.)
import { nameBasedUuid } from '../contracts/commands/name-based-uuid.ts';

export { nameBasedUuid };

/** The namespace of TypeDefChange eventIds (a random v4 UUID fixed once; never change it). */
export const TYPEDEF_EVENT_NAMESPACE = '6f0f5a4e-3b1d-4c55-9a1e-8d2f7c3b9e10';

/**
 * The eventId of one definition's change. The name is a JSON array, so no choice of tenant, name or
 * version can make two different tuples hash the same text (as "a:b" + "c" and "a" + "b:c" would).
 */
export function typeDefEventId(tenantId: string, kind: string, name: string, version: number): string {
  return nameBasedUuid(TYPEDEF_EVENT_NAMESPACE, JSON.stringify([tenantId.toLowerCase(), kind, name, version]));
}
