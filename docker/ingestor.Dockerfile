# The feature store ingestor (seeds, then simulates feature updates). Build context: the repository root.
#   docker build -f docker/ingestor.Dockerfile -t feature-store-ingestor .

# build: the whole workspace's dependencies, then tsc into dist/apps/ingestor/ (app, libraries, Lua
# scripts, and stub packages node_modules/@feature-store/* pointing at the compiled libraries).
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No install scripts: the image then installs what npm 11 installs on the developers' machines.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json ./
COPY tools/build/build-node-app.ts tools/build/
COPY libs/ libs/
COPY apps/ingestor/ apps/ingestor/
RUN node --import tsx tools/build/build-node-app.ts ingestor

# deps: production dependencies only.
FROM node:20-bookworm-slim AS deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# runtime: compiled code, production node_modules (the build's @feature-store stubs merge into
# them), and the default feature registry; runs as the image's unprivileged `node` user.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    REGISTRY_PATH=registry/features.yaml \
    INGEST_HEARTBEAT_FILE=/tmp/ingestor-heartbeat
WORKDIR /app
COPY --from=deps /src/node_modules/ node_modules/
COPY --from=build /src/dist/apps/ingestor/ ./
COPY registry/ registry/
USER node
# The ingestor touches INGEST_HEARTBEAT_FILE after every batch (seeding included): unhealthy when
# the file is missing or older than 30 s.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["node", "-e", "const fs = require('node:fs'); const file = process.env.INGEST_HEARTBEAT_FILE; process.exit(file && fs.existsSync(file) && Date.now() - fs.statSync(file).mtimeMs < 30000 ? 0 : 1)"]
CMD ["node", "apps/ingestor/src/main.js"]
