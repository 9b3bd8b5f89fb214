// `parley seed`: fills a development database with people, rooms and conversations.
import { type Command, CommandError, commandConfig, EXIT, errorMessage } from "../command.ts";

export const seed: Command = {
  name: "seed",
  summary: "Fill a development database with people, rooms and conversations.",
  help: `
Adds five people (password password123), three rooms and a few conversations to
DATABASE_PATH. Running it again adds nothing. Refused when NODE_ENV=production.

options:
  --force         seed even when NODE_ENV=production`,
  readsConfig: true,
  options: { force: { type: "boolean" } },
  async run({ flags }) {
    const config = commandConfig(flags);
    if (config.env === "production" && !flags.force) {
      throw new CommandError(
        "Refusing to seed with NODE_ENV=production: it adds people with a known password (pass --force if you really mean it).",
        EXIT.usage,
      );
    }
    const { SEED_PASSWORD, SEEDED, seedDatabase } = await import("../seed-database.ts");
    let counts: Awaited<ReturnType<typeof seedDatabase>>;
    try {
      counts = await seedDatabase(config);
    } catch (error) {
      throw new CommandError(`seed failed: ${errorMessage(error)}`);
    }
    console.log(`Seeded ${config.databasePath}:`);
    console.log(`  users:    ${SEEDED.people.join(", ")} (${counts.users} new)`);
    console.log(`  password: ${SEED_PASSWORD} (for every seeded user)`);
    console.log(`  rooms:    ${SEEDED.rooms.join(", ")} (${counts.rooms} new)`);
    console.log(`  messages: ${SEEDED.messages} (${counts.messages} new)`);
    console.log("Running it again adds nothing. Make an admin with: parley admin create --username alice");
    return EXIT.ok;
  },
};
