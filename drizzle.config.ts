// drizzle-kit for SQLite: `bun run db:generate` writes migrations from src/db/schema.ts
// into drizzle/sqlite/ (and, through drizzle.pg.config.ts, PostgreSQL's into drizzle/pg/).
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./drizzle/sqlite",
});
