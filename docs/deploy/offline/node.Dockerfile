# Stand-in for node:20-bookworm-slim where Docker Hub cannot be reached: Debian bookworm (debootstrap, imported as
# local/debian:bookworm) with the build machine's own Node 20, npm and Node headers (node-gyp builds better-sqlite3
# against them instead of downloading them), the machine's local CA certificates (an egress proxy's, say), and
# the image's `node` user (uid 1000).
FROM local/debian:bookworm
COPY ca/ /usr/local/share/ca-certificates/
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libstdc++6 \
 && rm -rf /var/lib/apt/lists/* \
 && update-ca-certificates >/dev/null \
 && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY include /usr/local/include/node
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt npm_config_nodedir=/usr/local
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && node --version && npm --version
CMD ["node"]
