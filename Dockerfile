# The L3 processes (materializer, governance, gateway, the l3 CLI) for docker-compose.yml.
# TypeScript runs as-is on Node 24 (docs/adr/0003): no build step, the image holds the sources.
FROM node:24-bookworm-slim

# @confluentinc/kafka-javascript ships prebuilt binaries; the toolchain is there for the
# platforms it has none for (it then builds librdkafka from source).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ curl ca-certificates \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

COPY cli cli
COPY contracts contracts
COPY gateway gateway
COPY migrations migrations
COPY ontology ontology
COPY processors processors
COPY runtime runtime
COPY stack stack
COPY scripts/versions.env scripts/versions.env
COPY examples examples
COPY tsconfig.json ./

USER node
ENV NODE_ENV=production LOG_LEVEL=info
# Overridden per service in docker-compose.yml.
CMD ["node", "cli/main.ts", "help"]
