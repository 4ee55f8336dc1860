# spinescrub in a container: Debian (bookworm) with Node 20. The history database lives on a volume, so it grows
# night after night whatever happens to the container. docs/deploy.md shows how to run it.

FROM node:20-bookworm-slim AS build
WORKDIR /opt/spinescrub
# better-sqlite3 downloads a prebuilt binary; without one (no network to GitHub) it compiles, which needs these.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# The sources come first: npm ci runs the package's `prepare` script, which builds dist/ from them.
COPY . .
RUN npm ci && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /opt/spinescrub
COPY --from=build /opt/spinescrub/package.json ./
COPY --from=build /opt/spinescrub/node_modules ./node_modules
COPY --from=build /opt/spinescrub/dist ./dist
COPY --from=build /opt/spinescrub/schemas ./schemas
# `spinescrub explain ID` prints a rule's page from here.
COPY --from=build /opt/spinescrub/docs/rules ./docs/rules
RUN mkdir -p /var/lib/spinescrub && chown node:node /var/lib/spinescrub
USER node
VOLUME ["/var/lib/spinescrub"]
ENTRYPOINT ["node", "/opt/spinescrub/dist/cli/main.js"]
CMD ["--help"]
