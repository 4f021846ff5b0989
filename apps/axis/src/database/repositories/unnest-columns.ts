/**
 * Rows turned into one array per column, in `columns` order: the parameters of a statement that
 * reads a whole batch with `unnest($1::type[], $2::type[], …)`.
 */
export function unnestColumns<Row extends object, Column extends keyof Row>(
  rows: readonly Row[],
  columns: readonly Column[],
): Row[Column][][] {
  return columns.map((column) => rows.map((row) => row[column]));
}
