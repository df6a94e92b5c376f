# Build stage: the Swift toolchain with the C libraries Docket links.
FROM swift:6.2-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-dev libssl-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources Sources
COPY Schema Schema
RUN swift build -c release --product docket --static-swift-stdlib && cp "$(swift build -c release --show-bin-path)/docket" /docket

# Runtime stage: slim Debian with the shared libraries only.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libsqlite3-0 libssl3 curl ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* && useradd --system --home /data docket && mkdir -p /data && chown docket /data
COPY --from=build /docket /usr/local/bin/docket
USER docket
VOLUME /data
ENV DOCKET_DB=/data/docket.db
EXPOSE 8080
ENTRYPOINT ["docket"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
