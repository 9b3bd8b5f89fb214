// The one row a statement must give back (an INSERT … RETURNING, an UPDATE of a row just
// read): its absence is a bug, not an answer.
export function onlyRow<T>(rows: T[]): T {
  const [row] = rows;
  if (row === undefined) throw new Error("expected the statement to return a row");
  return row;
}
