// Recognising the database's refusals, whatever the driver: a caller that races another
// writer for a unique key tells "someone else got there first" from a real failure.

/** SQLite's SQLITE_CONSTRAINT_UNIQUE, or PostgreSQL's unique_violation (23505), possibly wrapped. */
export function isUniqueViolation(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const code = (current as { code?: unknown }).code;
    if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "23505") return true;
  }
  return false;
}
