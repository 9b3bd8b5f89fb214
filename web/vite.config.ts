// Builds the web client into web/dist: hashed assets under /assets (served immutable),
// index.html without inline scripts (the server's CSP allows only 'self').
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import solid from "vite-plugin-solid";

const server = process.env.PARLEY_DEV_SERVER ?? "http://localhost:3000";

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  plugins: [solid()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
  server: {
    // `bun run dev:web`: the Vite dev server in front of a running `bun run dev`.
    proxy: {
      "/api": server,
      "/trpc": server,
      "/ws": { target: server.replace(/^http/, "ws"), ws: true },
    },
  },
});
