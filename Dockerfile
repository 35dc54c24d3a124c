# A small image: the Swift toolchain only in the build stage, the runtime stage is Debian
# slim with libcurl (opened at the first request), zlib, ISA-L (gzip of bulk bodies) and
# the binary (Swift's runtime linked in statically).
#   docker build -t logstream .
#   docker run --rm -v logstream-state:/state -e LOG_GROUPS=... -e AWS_REGION=... -e ES_HOST=... logstream
FROM swift:6.1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libcurl4-openssl-dev zlib1g-dev libisal-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Benchmarks ./Benchmarks
COPY Tests ./Tests
RUN swift build -c release --product logstream --static-swift-stdlib \
    && install -D .build/release/logstream /out/logstream

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libcurl4 zlib1g libisal2 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /state logstream \
    && mkdir -p /state && chown logstream /state
COPY --from=build /out/logstream /usr/local/bin/logstream
USER logstream
ENV CHECKPOINT_PATH=/state/checkpoints.json
VOLUME /state
ENTRYPOINT ["/usr/local/bin/logstream"]
CMD ["tail", "--follow", "--log-format", "json"]
