// Collects the values of a query built from parts (filters, orderings, cursors): every value a
// client sends becomes a numbered parameter, never text in the SQL (STYLE rule 4), including the
// property names used as jsonb keys.
export class SqlParams {
  readonly values: unknown[] = [];

  /** Adds `value` and returns its placeholder (`$n`). */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
