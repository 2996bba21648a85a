// YAML text -> the plain value validateOntology checks, plus where each key sits in the text, so
// every error can be reported as `file:line: path: message`. Duplicate keys are reported here with
// their paths: YAML maps are where names are declared (object types, properties, link types), and
// a second `Pump:` must be an error rather than silently replace the first.
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import type { OntologyError } from './ontology-file.ts';

export interface ParsedOntology {
  /** The document as plain JSON-like data; undefined when the text is not valid YAML. */
  readonly value: unknown;
  /** YAML syntax errors and duplicate keys; when any is present `value` should not be trusted. */
  readonly errors: readonly OntologyError[];
  /** The 1-based line of `path`, or of its nearest ancestor the text shows; undefined for ''. */
  lineOf(path: string): number | undefined;
}

export function parseOntology(text: string): ParsedOntology {
  const lineCounter = new LineCounter();
  // uniqueKeys: false lets the walk below name every duplicate with its path; yaml would stop at
  // the first with a message that names only a position.
  const document = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const lines = new Map<string, number>();
  const lineOf = (path: string): number | undefined => {
    for (let segments = path.split('.'); segments.length > 0 && path !== ''; segments = segments.slice(0, -1)) {
      const line = lines.get(segments.join('.'));
      if (line !== undefined) return line;
    }
    return undefined;
  };
  if (document.errors.length > 0) {
    const errors = document.errors.map((error) => ({
      path: '',
      message: `YAML syntax: ${error.message.split('\n')[0]}`,
      line: error.linePos?.[0].line ?? lineCounter.linePos(error.pos[0]).line,
    }));
    return { value: undefined, errors, lineOf };
  }
  const errors: OntologyError[] = [];
  const lineAt = (offset: number | undefined) => (offset === undefined ? undefined : lineCounter.linePos(offset).line);

  const walk = (node: Node | null | undefined, path: string): void => {
    if (isMap(node)) {
      const seen = new Map<string, number | undefined>();
      const kept: typeof node.items = [];
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyPath = path === '' ? key : `${path}.${key}`;
        const line = lineAt(isScalar(pair.key) ? pair.key.range?.[0] : undefined);
        if (seen.has(key)) {
          const first = seen.get(key);
          errors.push({ path: keyPath, message: `duplicate key "${key}"${first === undefined ? '' : ` (first declared at line ${first})`}`, ...(line === undefined ? {} : { line }) });
          continue;
        }
        seen.set(key, line);
        kept.push(pair);
        if (line !== undefined) lines.set(keyPath, line);
        walk(pair.value as Node | null, keyPath);
      }
      // The first declaration stands (the one the error points back to), so the rest of the file
      // is validated against it rather than against a later, reported duplicate.
      node.items = kept;
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const itemPath = path === '' ? String(index) : `${path}.${index}`;
        const line = lineAt((item as Node | null)?.range?.[0]);
        if (line !== undefined) lines.set(itemPath, line);
        walk(item as Node | null, itemPath);
      });
    }
    // An alias (`*name`) repeats an anchored node: its keys were recorded where the anchor is, and
    // errors inside it are reported at the alias's own key.
  };
  walk(document.contents as Node | null, '');
  return { value: document.toJS({ maxAliasCount: 100 }), errors, lineOf };
}
