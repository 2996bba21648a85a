// Name-based UUIDs with SHA-256. RFC 9562 (which obsoletes RFC 4122) §5.8 and Appendix B.2: hash a
// namespace UUID followed by the name, keep the first 128 bits, then set the version field to 8
// (custom) and the variant to 0b10. The same namespace and name always give the same UUID, so
// publishing an unchanged ontology file twice yields the same eventIds and consumers drop the
// repeat. (The RFC's B.2 example, DNS namespace + "www.example.com", is checked in the tests.)
import { createHash } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The namespace of TypeDefChange eventIds (a random v4 UUID fixed once; never change it). */
export const TYPEDEF_EVENT_NAMESPACE = '6f0f5a4e-3b1d-4c55-9a1e-8d2f7c3b9e10';

export function nameBasedUuid(namespace: string, name: string): string {
  if (!UUID.test(namespace)) throw new RangeError(`namespace is not a UUID: "${namespace}"`);
  const hash = createHash('sha256').update(Buffer.from(namespace.replaceAll('-', ''), 'hex')).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80; // version 8
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // variant 0b10
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The eventId of one definition's change. The name is a JSON array, so no choice of tenant, name or
 * version can make two different tuples hash the same text (as "a:b" + "c" and "a" + "b:c" would).
 */
export function typeDefEventId(tenantId: string, kind: string, name: string, version: number): string {
  return nameBasedUuid(TYPEDEF_EVENT_NAMESPACE, JSON.stringify([tenantId.toLowerCase(), kind, name, version]));
}
