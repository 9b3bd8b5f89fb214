# syntax=docker/dockerfile:1
# Parley's image: build the web bundle with the full dependencies, then run the
# server on Bun with production dependencies only, as the non-root user "bun".
# oven/bun:1 is the Debian-based variant of the official image.

FROM oven/bun:1 AS base
WORKDIR /app

# Every dependency (vite and friends) for the web build.
FROM base AS deps
COPY package.json bun.lock ./
RUN bun install --frozen-lockfile

FROM deps AS build
COPY . .
RUN bun run build

# Runtime dependencies only.
FROM base AS prod-deps
COPY package.json bun.lock ./
RUN bun install --production --frozen-lockfile

FROM base AS runtime
ENV NODE_ENV=production \
    DATABASE_PATH=/data/parley.db \
    HOST=0.0.0.0 \
    PORT=3000
# Owned by root and read-only for the app: it writes nowhere but /data.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json bun.lock tsconfig*.json ./
COPY src ./src
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
