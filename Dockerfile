# Multi-stage build of the espace-familles binary.
FROM rust:1.95-bookworm AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends libpq-dev && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cargo build --release --locked -p api --bin espace-familles

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app espace-familles \
    && mkdir -p /app/data && chown espace-familles /app/data
WORKDIR /app
COPY --from=build /src/target/release/espace-familles /usr/local/bin/espace-familles
USER espace-familles
# Two malloc arenas: glibc's default (8 per core) let resident memory grow 10 % and
# more over a 30-minute soak, two arenas kept it flat (BENCHMARKS.md, issue 26).
ENV BIND_ADDR=0.0.0.0:8080 LOG_FORMAT=json MALLOC_ARENA_MAX=2
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["espace-familles"]
CMD ["serve"]
