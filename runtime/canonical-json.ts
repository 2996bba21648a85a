// RFC 8785 JSON Canonicalization Scheme (JCS): the one serialization L3 hashes (binding hashes,
// ARCHITECTURE §6; the audit chain, §7). The `canonicalize` package implements it: object
// members sorted by their names' UTF-16 code units (§3.2.3), numbers in ECMAScript's
// Number.prototype.toString form (§3.2.2.3), strings with the minimal escapes of §3.2.2.2, no
// whitespace. This module adds what hashing needs on top: a value JCS cannot represent is an
// error, never a silently different text.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * The RFC 8785 canonical JSON text of `value`.
 *
 * Like JSON.stringify (which JCS builds on, §3.1), members whose value is undefined, a function
 * or a symbol are left out of objects and become null in arrays, and toJSON() is honoured (a
 * Date becomes its ISO string). What has no JSON text at all is a TypeError: undefined (or a
 * function or symbol) as the whole value, NaN and ±Infinity (§3.2.2.3: "must cause an error"),
 * BigInt, strings with lone surrogates (§3.2.2.2 requires well-formed Unicode) and cycles.
 */
export function canonicalJson(value: unknown): string {
  let text: string | undefined;
  try {
    text = canonicalize(value);
  } catch (error) {
    const where = findUnrepresentable(value, '$', new Set());
    const detail = where ?? (error as Error).message;
    throw new TypeError(`canonicalJson: value cannot be represented in RFC 8785 JSON: ${detail}`, { cause: error });
  }
  if (text === undefined) {
    throw new TypeError(`canonicalJson: value cannot be represented in RFC 8785 JSON: $ is ${describe(value)}, which has no JSON text`);
  }
  return text;
}

/** Lowercase hex SHA-256 of the UTF-8 encoding of `text`. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

// Only for the error message: the path of the first value canonicalize refused, so that a
// caller hashing a large proposal learns which parameter was NaN. Follows plain objects and
// arrays (not toJSON), which is where such values come from in practice.
function findUnrepresentable(value: unknown, path: string, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}, and JSON has no such number`;
    case 'bigint':
      return `${path} is a BigInt (${value}n); convert it to a number or a string first`;
    case 'string':
      return value.isWellFormed() ? undefined : `${path} is a string with a lone UTF-16 surrogate`;
    case 'object': {
      if (value === null) return undefined;
      if (seen.has(value)) return `${path} refers back to an enclosing value (a cycle)`;
      seen.add(value);
      const entries = Array.isArray(value) ? value.map((v, i) => [`${path}[${i}]`, v] as const) : Object.entries(value).map(([k, v]) => [`${path}${memberPath(k)}`, v] as const);
      for (const [childPath, child] of entries) {
        const found = findUnrepresentable(child, childPath, seen);
        if (found !== undefined) return found;
      }
      seen.delete(value);
      return undefined;
    }
    default:
      return undefined;
  }
}

function memberPath(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function describe(value: unknown): string {
  return value === undefined ? 'undefined' : `a ${typeof value}`;
}
