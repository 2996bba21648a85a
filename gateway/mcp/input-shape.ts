// Checks on a tool call's raw arguments before its schema parses them: how deep they nest, how
// many values they hold, and no U+0000 in any string or key (Postgres text cannot hold it; the
// GraphQL endpoint refuses it too, protection/nul-characters.ts). The schemas bound each field;
// these bound the whole, so a hostile document cannot make parsing itself expensive (a filter
// nested thousands of levels deep would otherwise recurse that deep in the parser).
import { badInput } from '../errors.ts';

/** Deeper than any valid call needs: a filter nests 5 levels, each level 2 JSON levels. */
export const MAX_ARGUMENT_DEPTH = 16;
/** Array items and object members in all; a similarity vector alone is 384. */
export const MAX_ARGUMENT_VALUES = 5_000;

export function checkArgumentShape(value: unknown): void {
  let values = 0;
  const walk = (node: unknown, depth: number): void => {
    if (typeof node === 'string') {
      if (node.includes('\u0000')) throw badInput('arguments must not contain the character U+0000');
      return;
    }
    if (node === null || typeof node !== 'object') return;
    if (depth > MAX_ARGUMENT_DEPTH) throw badInput(`arguments nest at most ${MAX_ARGUMENT_DEPTH} levels deep`);
    const entries = Array.isArray(node) ? node.map((item) => ['', item] as const) : Object.entries(node);
    values += entries.length;
    if (values > MAX_ARGUMENT_VALUES) throw badInput(`arguments hold at most ${MAX_ARGUMENT_VALUES} values`);
    for (const [key, item] of entries) {
      if (key.includes('\u0000')) throw badInput('arguments must not contain the character U+0000');
      walk(item, depth + 1);
    }
  };
  walk(value, 1);
}
