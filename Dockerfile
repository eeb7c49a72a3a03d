# Ficus — multi-stage image. Its steps are the ones scripts/verify-production-build.sh runs in CI
# (build with dev dependencies, prune to production, start dist/main.js, hit /healthz), since no
# Docker engine is available where CI runs.
# syntax=docker/dockerfile:1

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# The `node` devDependency ships a Node 24 binary for npm scripts; the image already is Node 24.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/copy-static-assets.ts ./scripts/
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS run
ENV NODE_ENV=production \
    FICUS_PORT=8080 \
    FICUS_ADMIN_PORT=8081 \
    FICUS_ADMIN_HOST=0.0.0.0 \
    FICUS_ROUTES_DIR=/etc/ficus/routes \
    FICUS_FLAGS_DIR=/etc/ficus/flags \
    FICUS_DATA_DIR=/var/lib/ficus
WORKDIR /app
RUN groupadd --system ficus && useradd --system --gid ficus --home-dir /app ficus \
 && mkdir -p /etc/ficus/routes /etc/ficus/flags /var/lib/ficus && chown -R ficus:ficus /var/lib/ficus /etc/ficus/flags
COPY --from=build --chown=ficus:ficus /app/node_modules ./node_modules
COPY --from=build --chown=ficus:ficus /app/dist ./dist
COPY --chown=ficus:ficus package.json ./
# Defaults; mount your own routes/ and flags/ over these.
COPY --chown=ficus:ficus routes /etc/ficus/routes
COPY --chown=ficus:ficus flags /etc/ficus/flags
USER ficus
EXPOSE 8080 8081
VOLUME ["/var/lib/ficus"]
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.FICUS_ADMIN_PORT||8081)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/main.js", "start"]
