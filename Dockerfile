# syntax=docker/dockerfile:1
# hcs: build with the full toolchain, run with production dependencies only, as a non-root user.
# .ci/dockerfile-steps runs these same steps outside Docker on every CI run.

ARG NODE_VERSION=24

# ---- build: compile TypeScript to dist/ -----------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
# The build bundles the server and the migrations (dist/main.js, dist/migrations), which it loads.
COPY migrations ./migrations
RUN npm run build

# ---- deps: production dependencies only (native modules built here, against glibc) ----------
FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# ---- runtime ------------------------------------------------------------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends libusb-1.0-0 \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    HCS_ENV=production \
    HCS_HOST=0.0.0.0 \
    HCS_GRPC_PORT=50051 \
    HCS_HTTP_PORT=8080 \
    HCS_DATA_DIR=/var/lib/hcs
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The TypeScript migrations too, as the package ships them (the server runs the compiled ones).
COPY migrations ./migrations
COPY package.json ./
# The data directory: the SQLite database, the signing key and the compile cache of `hcs serve`.
RUN mkdir -p /var/lib/hcs && chown node:node /var/lib/hcs \
 && ln -s /app/dist/main.js /usr/local/bin/hcs
USER node
VOLUME ["/var/lib/hcs"]
EXPOSE 50051 8080
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 CMD ["hcs", "health"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["hcs"]
CMD ["serve"]
