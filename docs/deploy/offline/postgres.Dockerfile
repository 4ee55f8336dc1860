# Stand-in for postgres:15-bookworm where Docker Hub cannot be reached: Debian's PostgreSQL 15, with an entry point
# that does what the official image's does for this compose file (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB;
# password authentication from other hosts) and pg_isready on the PATH.
FROM local/debian:bookworm
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/postgresql/data /var/run/postgresql && chown -R postgres:postgres /var/lib/postgresql /var/run/postgresql
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
USER postgres
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint.sh"]
