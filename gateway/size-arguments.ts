// Bounds of the sizing arguments (first, k, maxDepth, maxFanOut): a value outside them is
// BAD_USER_INPUT naming the argument, not silently clamped, so a client never mistakes a short
// page for the end of the data.
import { badInput } from './errors.ts';

export function boundedInt(name: string, value: number | null | undefined, fallback: number, min: number, max: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < min || n > max) throw badInput(`${name} must be an integer from ${min} to ${max}, got ${n}`);
  return n;
}

export const MAX_SIMILAR = 50;
export const MAX_TRAVERSAL_DEPTH = 4;
export const MAX_TRAVERSAL_FAN_OUT = 50;
