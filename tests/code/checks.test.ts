// The checks CI runs beside the tests, as tests: the type checker over the whole tree
// (server, client, tests, bench, scripts), Biome's format and lint rules, and knip's
// dead-code check (unused files, exports and dependencies; entry points in knip.json).
import { describe, expect, test } from "bun:test";

const ROOT = new URL("../..", import.meta.url).pathname;

async function run(args: string[]) {
  const child = Bun.spawn(["bun", "x", ...args], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { code, output: `${out}\n${err}`.trim() };
}

describe("code checks", () => {
  test("TypeScript finds no errors (bun run typecheck)", async () => {
    const { code, output } = await run(["tsc", "--noEmit"]);
    if (code !== 0) console.error(output);
    expect(code).toBe(0);
  }, 180_000);

  test("Biome finds nothing to format or fix (bun run lint; bun run format to fix)", async () => {
    const { code, output } = await run(["biome", "check", "."]);
    if (code !== 0) console.error(output.slice(-4000));
    expect(code).toBe(0);
  }, 60_000);

  test("knip finds no unused file, export or dependency (bun run deadcode)", async () => {
    const { code, output } = await run(["knip", "--no-config-hints"]);
    if (code !== 0) console.error(output.slice(-4000));
    expect(code).toBe(0);
  }, 120_000);
});
