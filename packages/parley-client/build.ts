// `bun packages/parley-client/build.ts [outDir]`: turns the workspace package (TypeScript
// importing the server's own wire schemas and router type by path) into a package that
// installs anywhere: one bundled ES module, the declarations tsc writes for everything its
// types reach (the router's types are the server's), and a package.json naming what a
// consumer installs. `npm publish <outDir>` publishes it; tests/client/package.test.ts
// installs the result into a fresh project, type-checks a consumer and runs it.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const packageDir = import.meta.dir;
const root = resolve(packageDir, "../..");
const outDir = resolve(process.argv[2] ?? join(packageDir, "dist"));

type PackageJson = {
  version: string;
  description: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};
const own = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as PackageJson;
const server = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as PackageJson;
const versionOf = (name: string) => {
  const version = own.dependencies?.[name] ?? server.dependencies?.[name] ?? server.devDependencies?.[name];
  if (!version) throw new Error(`no version of ${name} in package.json`);
  return version;
};

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

// 1. The code: the package's and the server's wire schemas in one module; what a consumer
// installs stays outside.
const RUNTIME_DEPENDENCIES = ["@trpc/client", "zod"];
const built = await Bun.build({
  entrypoints: [join(packageDir, "src/index.ts")],
  outdir: outDir,
  target: "browser",
  format: "esm",
  external: RUNTIME_DEPENDENCIES,
  naming: "index.js",
});
if (!built.success) throw new AggregateError(built.logs, "bundling parley-client failed");

// 2. The types: tsc writes declarations for the entry and every file its types reach,
// keeping the repository's layout under types/. Their imports name `.ts` files; a
// published declaration names `.js`, which every TypeScript resolution maps to `.d.ts`.
const typesDir = join(outDir, "types");
const tsconfigPath = join(outDir, "tsconfig.build.json");
writeFileSync(
  tsconfigPath,
  JSON.stringify({
    extends: join(root, "tsconfig.json"),
    compilerOptions: {
      noEmit: false,
      declaration: true,
      emitDeclarationOnly: true,
      rootDir: root,
      outDir: typesDir,
      types: [],
    },
    include: [],
    files: [join(packageDir, "src/index.ts")],
  }),
);
const tsc = Bun.spawnSync([join(root, "node_modules/.bin/tsc"), "-p", tsconfigPath], { cwd: root });
rmSync(tsconfigPath);
// Errors about Bun's own types are expected (types: [] leaves them out, as a consumer's
// project would); declarations are written regardless. Anything else is a real failure.
const complaints = tsc.stdout
  .toString()
  .split("\n")
  .filter((line) => /error TS/.test(line) && !/bun|Bun|ImportMeta|TS2688/.test(line));
if (complaints.length) throw new Error(`tsc could not write the declarations:\n${complaints.join("\n")}`);

function rewriteSpecifiers(dir: string) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) rewriteSpecifiers(path);
    else if (name.endsWith(".d.ts"))
      writeFileSync(
        path,
        readFileSync(path, "utf8").replace(/(from\s+|import\()(["'])(\.{1,2}\/[^"']+)\.tsx?\2/g, "$1$2$3.js$2"),
      );
  }
}
rewriteSpecifiers(typesDir);
const entryTypes = "./types/packages/parley-client/src/index.d.ts";
if (!statSync(join(outDir, entryTypes)).isFile()) throw new Error("tsc wrote no declaration for the entry");

// 3. What npm needs. The declarations reach the server's types: @trpc/server and zod
// carry the router's inference; Elysia (the `App` type, for Eden) and drizzle are optional.
const manifest = {
  name: "parley-client",
  version: own.version,
  description: own.description,
  type: "module",
  license: "MIT",
  exports: { ".": { types: entryTypes, default: "./index.js" } },
  types: entryTypes,
  files: ["index.js", "types", "README.md"],
  sideEffects: false,
  dependencies: Object.fromEntries(
    [...RUNTIME_DEPENDENCIES, "@trpc/server"].sort().map((name) => [name, versionOf(name)]),
  ),
  peerDependencies: { elysia: versionOf("elysia"), "drizzle-orm": versionOf("drizzle-orm") },
  peerDependenciesMeta: { elysia: { optional: true }, "drizzle-orm": { optional: true } },
};
writeFileSync(join(outDir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
writeFileSync(join(outDir, "README.md"), readFileSync(join(packageDir, "README.md")));
console.log(`parley-client ${own.version} built into ${outDir}`);
