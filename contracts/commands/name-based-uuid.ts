// Name-based UUIDs with SHA-256. RFC 9562 (which obsoletes RFC 4122) §5.8 and Appendix B.2: hash a
// namespace UUID followed by the name, keep the first 128 bits, then set the version field to 8
// (custom) and the variant to 0b10. The same namespace and name always give the same UUID, so a
// producer that derives its ids this way makes a retried command recognizable as the same one.
import { createHash } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function nameBasedUuid(namespace: string, name: string): string {
  if (!UUID.test(namespace)) throw new RangeError(`namespace is not a UUID: "${namespace}"`);
  const hash = createHash('sha256').update(Buffer.from(namespace.replaceAll('-', ''), 'hex')).update(name, 'utf8').digest();
  const bytes = hash.subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80; // version 8
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // variant 0b10
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
