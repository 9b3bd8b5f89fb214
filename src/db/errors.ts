// Recognising the database's refusals, whatever the driver: a caller that races another
// writer for a unique key tells "someone else got there first" from a real failure.

/**
 * SQLite's SQLITE_CONSTRAINT_UNIQUE, or PostgreSQL's unique_violation (23505), possibly
 * wrapped (drizzle wraps a driver's error as the cause of its own). Bun's SQL client puts
 * PostgreSQL's SQLSTATE in `errno` (its `code` is ERR_POSTGRES_SERVER_ERROR); postgres.js
 * and node-postgres put it in `code`.
 */
export function isUniqueViolation(error: unknown): boolean {
  for (let current = error; current instanceof Error; current = current.cause) {
    const { code, errno } = current as { code?: unknown; errno?: unknown };
    if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "23505" || errno === "23505") return true;
  }
  return false;
}
