# The feature store HTTP API. Build context: the repository root.
#   docker build -f docker/api.Dockerfile -t feature-store-api .

# build: the whole workspace's dependencies, then tsc into dist/apps/api/ (app, libraries, Lua
# scripts, and stub packages node_modules/@feature-store/* pointing at the compiled libraries).
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No install scripts: the image then installs what npm 11 installs on the developers' machines.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.base.json ./
COPY tools/build/build-node-app.ts tools/build/
COPY libs/ libs/
COPY apps/api/ apps/api/
RUN node --import tsx tools/build/build-node-app.ts api
# The web console the API serves at /ui: static files (and their compressed copies) from Vite.
COPY apps/console/ apps/console/
RUN npx vite build --config apps/console/vite.config.mts

# deps: production dependencies only.
FROM node:20-bookworm-slim AS deps
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# runtime: compiled code, production node_modules (the build's @feature-store stubs merge into
# them), the built web console, and the default feature registry; runs as the image's
# unprivileged `node` user.
FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000 \
    REGISTRY_PATH=registry/features.yaml \
    CONSOLE_DIR=console
WORKDIR /app
COPY --from=deps /src/node_modules/ node_modules/
COPY --from=build /src/dist/apps/api/ ./
COPY --from=build /src/dist/apps/console/ console/
COPY registry/ registry/
USER node
EXPOSE 8000
# Healthy while GET /health/ready answers 200: Redis answers PING and no shutdown has begun (slim has no curl).
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8000) + '/health/ready', { signal: AbortSignal.timeout(2000) }).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
CMD ["node", "apps/api/src/main.js"]
