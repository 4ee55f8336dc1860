#!/bin/sh
# Runs docs/deploy/compose.yaml on a machine whose Docker engine cannot reach Docker Hub: builds stand-ins for its
# two base images from Debian's packages (debootstrap, this machine's Node 20), starts PostgreSQL, the migration and
# the two scrubs (north: clinics A and C; south: clinics B, C and D, so clinic C's file reaches both hosts), and
# checks that both scrubs exit 0 and that the shared history recorded each file once.
#
#   sh docs/deploy/offline/try-compose.sh        (as root, with dockerd running, debootstrap and docker compose v2)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! docker image inspect local/debian:bookworm >/dev/null 2>&1; then
  debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >/dev/null
  tar -C "$work/rootfs" -c . | docker import - local/debian:bookworm >/dev/null
  rm -rf "$work/rootfs"
fi
mkdir -p "$work/node/ca"
cp "$(command -v node)" "$work/node/node"
cp -R "$(npm root -g)/npm" "$work/node/npm"
cp -R "$(dirname "$(dirname "$(command -v node)")")/include/node" "$work/node/include"
for ca in /usr/local/share/ca-certificates/*.crt; do [ -e "$ca" ] && cp "$ca" "$work/node/ca/"; done
docker build -q -t node:20-bookworm-slim -f "$here/node.Dockerfile" "$work/node" >/dev/null
docker build -q -t postgres:15-bookworm -f "$here/postgres.Dockerfile" "$here" >/dev/null

deploy="$root/docs/deploy"
rm -rf "$deploy/north" "$deploy/south"
mkdir -p "$deploy/north/inbound" "$deploy/north/outbound" "$deploy/south/inbound" "$deploy/south/outbound"
cp "$root/samples/clinic-a-clean.837" "$root/samples/clinic-c-history.837" "$deploy/north/inbound/"
cp "$root/samples/clinic-b-errors.837" "$root/samples/clinic-c-history.837" "$root/samples/clinic-d-payers.837" "$deploy/south/inbound/"
chown -R 1000 "$deploy/north/outbound" "$deploy/south/outbound"

PGPASSWORD=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
export PGPASSWORD
compose() { docker compose -f "$deploy/compose.yaml" "$@"; }
status=0
compose up --build --detach
for service in scrub-north scrub-south; do
  code=$(docker wait "$(compose ps --all --quiet "$service")")
  echo "$service exited $code"
  [ "$code" = 0 ] || status=1
done
compose logs --no-color migrate scrub-north scrub-south | grep -v '"level":"debug"' || true
compose run --rm --no-deps migrate history stats --history postgres://spinescrub@postgres:5432/spinescrub
cmp "$deploy/north/outbound/tonight/ready/clinic-c-history.837" "$deploy/south/outbound/tonight/ready/clinic-c-history.837" \
  && echo "clinic C's ready file: the same bytes on both hosts" || status=1
compose down --volumes
rm -rf "$deploy/north" "$deploy/south"
exit $status
