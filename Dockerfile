# The image is made from the release tarball (`make dist`, scripts/dist.sh), the same bytes
# the Debian package ships: the build stage builds and packs it and checks its SHA-256, the
# runtime stage (Debian slim with libcurl, zlib and ISA-L) unpacks it and runs as a non-root
# user (uid 10001, as deploy/kubernetes expects).
#   docker build --build-arg LOGSTREAM_COMMIT=$(git rev-parse --short=12 HEAD) -t logstream .
#   docker run --rm -v logstream-state:/state -e LOG_GROUPS=... -e AWS_REGION=... -e ES_HOST=... logstream
FROM swift:6.1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends libcurl4-openssl-dev zlib1g-dev libisal-dev binutils \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift Makefile README.md LICENSE CHANGELOG.md ./
COPY Sources ./Sources
COPY Benchmarks ./Benchmarks
COPY Tests ./Tests
COPY scripts ./scripts
COPY man ./man
COPY completions ./completions
ARG LOGSTREAM_COMMIT=
RUN LOGSTREAM_COMMIT="$LOGSTREAM_COMMIT" bash scripts/build-info.sh \
    && swift build -c release --product logstream --static-swift-stdlib \
    && bash scripts/dist.sh \
    && cd dist && sha256sum --check logstream-*.tar.gz.sha256 \
    && mkdir /out && tar -C /out --strip-components=1 -xzf logstream-*.tar.gz

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends libcurl4 zlib1g libisal2 ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /state logstream \
    && mkdir -p /state && chown logstream:logstream /state
COPY --from=build /out/logstream /usr/local/bin/logstream
COPY --from=build /out/LICENSE /out/CHANGELOG.md /usr/share/doc/logstream/
USER 10001:10001
ENV CHECKPOINT_PATH=/state/checkpoints.json
VOLUME /state
EXPOSE 9464
ENTRYPOINT ["/usr/local/bin/logstream"]
CMD ["tail", "--follow", "--log-format", "json"]
