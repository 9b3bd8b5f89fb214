# syntax=docker/dockerfile:1
# Parley's image: build the web bundle with the full dependencies, then run the
# server on Bun with production dependencies only, as the non-root user "bun".
# The Bun version is pinned here, in package.json "engines" and in .ci/run (a test
# keeps the three equal); oven/bun:<version> is the Debian-based official image.

FROM oven/bun:1.4.5 AS base
WORKDIR /app

# Every dependency (vite and friends) for the web build.
FROM base AS deps
COPY package.json bun.lock ./
# The workspaces (parley-client and its example bot) are part of the lockfile.
COPY packages/parley-client/package.json ./packages/parley-client/
COPY examples/echo-bot/package.json ./examples/echo-bot/
RUN bun install --frozen-lockfile

FROM deps AS build
COPY . .
RUN bun run build

# Runtime dependencies only.
FROM base AS prod-deps
COPY package.json bun.lock ./
COPY packages/parley-client/package.json ./packages/parley-client/
COPY examples/echo-bot/package.json ./examples/echo-bot/
RUN bun install --production --frozen-lockfile

FROM base AS runtime
# The commit this image was built from (deploy/03-deploy-repo passes it), shown in
# parley_build_info and in the image tag parley:<commit>.
ARG PARLEY_COMMIT=unknown
ENV PARLEY_COMMIT=$PARLEY_COMMIT \
    NODE_ENV=production \
    DATABASE_PATH=/data/parley.db \
    HOST=0.0.0.0 \
    PORT=3000
# Owned by root and read-only for the app: it writes nowhere but /data.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json bun.lock tsconfig*.json ./
COPY src ./src
# The migrations of both dialects (drizzle/sqlite, drizzle/pg).
COPY drizzle ./drizzle
# bun run backup / restore / admin:create / seed live here.
COPY scripts ./scripts
COPY --from=build /app/web/dist ./web/dist
# A new named volume takes the ownership of the image's /data, so the app can
# write its database (and backups) there.
RUN mkdir -p /data/backups && chown -R bun:bun /data
USER bun
VOLUME /data
EXPOSE 3000
# curl is not in the image: ask Bun. /api/health is 503 only when the database is down.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["bun", "-e", "fetch('http://127.0.0.1:3000/api/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
# SIGTERM: close sockets with 1001, finish requests, exit within 10 s.
STOPSIGNAL SIGTERM
CMD ["bun", "src/index.ts"]
