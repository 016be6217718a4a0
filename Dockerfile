# One Dockerfile, one target per service: `docker build --target edge -t krx/edge .` (and
# price-ingest, signal-engine, kiwoom-sim). One file because the services share one lockfile,
# one TypeScript build and one production install: the stages below run once for all four images,
# and each image copies only its own compiled service and the libs it imports.
#
# Images run compiled JavaScript (`tsc -b` output in dist/), never tsx: no TypeScript toolchain in
# production. tini is PID 1: it forwards SIGTERM to node (whose lifecycle drains and exits 0) and
# reaps zombies. No HEALTHCHECK: Kubernetes probes /health and /ready (k8s/).
# Checked without a Docker daemon by test/int/dockerfile.int.test.ts.

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: every workspace compiled with the dev dependencies; /out keeps what runs ----------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY libs/ libs/
COPY services/ services/
RUN npm ci --ignore-scripts --no-audit --no-fund && npx tsc -b
# Each workspace's package.json and dist/, and the SQL migrations (libs/db reads them from src/).
RUN for ws in libs/* services/*; do \
      mkdir -p "/out/$ws" && cp "$ws/package.json" "/out/$ws/" \
      && if [ -d "$ws/dist" ]; then cp -r "$ws/dist" "/out/$ws/"; fi; \
    done \
  && mkdir -p /out/libs/db/src && cp -r libs/db/src/migrations /out/libs/db/src/ \
  && cp package.json package-lock.json /out/

# --- prod-deps: production dependencies only --------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY --from=build /out/ ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

# --- runtime: the common base of the four images ----------------------------------------------
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps --chown=node:node /app/node_modules/ node_modules/
COPY --from=build --chown=node:node /out/package.json ./
COPY --from=build --chown=node:node /out/libs/ libs/
USER node
ENTRYPOINT ["/usr/bin/tini", "--"]

FROM runtime AS edge
COPY --from=build --chown=node:node /out/services/edge/ services/edge/
EXPOSE 8080
# A young generation of at most 4 MB per semi-space (V8's default grows to 16): a burst of
# handshakes otherwise leaves ~1 KiB per connection of grown young space in the RSS
# (bench/saturation scenario d: 2.2-2.4 → 1.2-1.5 KiB per idle connection). bench/fanout and
# bench/saturation start the edge with the same flag (EDGE_NODE_FLAGS).
CMD ["node", "--max-semi-space-size=4", "services/edge/dist/main.js"]

FROM runtime AS price-ingest
COPY --from=build --chown=node:node /out/services/price-ingest/ services/price-ingest/
EXPOSE 9101
CMD ["node", "services/price-ingest/dist/main.js"]

FROM runtime AS signal-engine
COPY --from=build --chown=node:node /out/services/signal-engine/ services/signal-engine/
EXPOSE 9102
CMD ["node", "services/signal-engine/dist/main.js"]

FROM runtime AS kiwoom-sim
COPY --from=build --chown=node:node /out/services/kiwoom-sim/ services/kiwoom-sim/
EXPOSE 5116
CMD ["node", "services/kiwoom-sim/dist/main.js"]
