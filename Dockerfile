# Rampart container image: a safety-guard inference server with its default model baked in.
#
#   docker build -t rampart .
#   docker run --rm -p 8080:8080 rampart
#
# Two stages:
#   build    the official Swift 6.3 toolchain image on Debian 12 (bookworm). Package.swift says
#            swift-tools-version 6.2, so any 6.2+ toolchain works; 6.3 is the one the project is developed on.
#   runtime  debian:bookworm-slim. The binary is linked with --static-swift-stdlib, so the Swift runtime,
#            Foundation and Dispatch are inside it and the image needs no Swift toolchain or Swift runtime
#            libraries: only glibc/libstdc++ (in the base image) and the system libraries Rampart links
#            (OpenBLAS, nghttp2, zlib, and libcurl under FoundationNetworking's URLSession, proxy mode's client). That keeps the image small and its CVE surface to Debian packages that
#            the distribution patches. Same Debian release in both stages, so the shared libraries the binary
#            was linked against are the ones it finds at run time.
#
# Configuration is through RAMPART_* environment variables (flag > environment > default); see Deploy/README.md.

# ---------------------------------------------------------------------------------------------------------------
FROM swift:6.3-bookworm AS build

# Build-time system libraries (the -dev packages; their runtime halves are installed in the runtime stage).
# Versions are not pinned: Debian security updates replace old versions in the archive, and a pin would break the
# build on the next point release; the Debian release (bookworm) is the pin.
# hadolint ignore=DL3008
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update -q \
    && apt-get install -y -q --no-install-recommends \
        pkg-config \
        libopenblas-dev \
        libnghttp2-dev \
        zlib1g-dev \
        libcurl4-openssl-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /build

# Resolve dependencies before copying sources, so the resolved checkouts stay cached while sources change.
# `Package.*` also picks up Package.resolved when one is committed; then its versions are enforced.
COPY Package.* ./
RUN if [ -f Package.resolved ]; then swift package resolve --force-resolved-versions; \
    else swift package resolve; fi

# The manifest declares test targets, and SwiftPM checks that every target's directory exists even when building
# one product: Tests/ is copied for that (nothing from it is compiled into the binary).
COPY Sources ./Sources
COPY Tests ./Tests

# --static-swift-stdlib: see the header. The static FoundationNetworking does not bring its libcurl along, hence
# -lcurl (the shared libcurl4, installed in the runtime stage). The backtracer is copied too so that a crash prints a
# symbolicated backtrace to the log (a safety sidecar that crashes fails open; the log is how you find out why).
RUN swift build -c release --product rampart --static-swift-stdlib -Xlinker -lcurl \
    && mkdir -p /staging/bin \
    && cp "$(swift build -c release --show-bin-path)/rampart" /staging/bin/rampart \
    && cp /usr/libexec/swift/linux/swift-backtrace-static /staging/bin/swift-backtrace-static

# ---------------------------------------------------------------------------------------------------------------
FROM debian:bookworm-slim AS runtime

# Runtime libraries matching the build stage's -dev packages:
#   libopenblas-dev -> libopenblas0-pthread (the pthread variant, the one libopenblas-dev selects by default)
#   libnghttp2-dev  -> libnghttp2-14
#   zlib1g-dev      -> zlib1g
#   libcurl4-openssl-dev -> libcurl4 (URLSession's transport, proxy mode)
# libstdc++6 is what the statically linked Swift runtime still needs dynamically (with glibc and libgcc_s); the base
# image has it already, it is named so that the dependency is explicit. curl serves the HEALTHCHECK below.
# Unpinned for the reason given in the build stage.
# hadolint ignore=DL3008
RUN export DEBIAN_FRONTEND=noninteractive \
    && apt-get update -q \
    && apt-get install -y -q --no-install-recommends \
        libopenblas0-pthread \
        libnghttp2-14 \
        zlib1g \
        libcurl4 \
        libstdc++6 \
        curl \
    && rm -rf /var/lib/apt/lists/*

# A fixed numeric, non-root UID/GID: Kubernetes can only enforce runAsNonRoot against a numeric USER.
# (Not --system: system accounts stop at UID 999 and useradd warns about 10001.)
RUN groupadd --gid 10001 rampart \
    && useradd --uid 10001 --gid rampart --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin rampart

WORKDIR /opt/rampart

# Binary and model stay root-owned: the service user can read and run them but not modify its own code or weights.
COPY --from=build /staging/bin/ /usr/local/bin/
COPY Models/rampart-guard-minilm /opt/rampart/Models/rampart-guard-minilm

ENV RAMPART_MODEL=/opt/rampart/Models/rampart-guard-minilm \
    RAMPART_PORT=8080 \
    RAMPART_LOG_LEVEL=info \
    SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=all,interactive=no,swift-backtrace=/usr/local/bin/swift-backtrace-static

USER 10001:10001

EXPOSE 8080

# Liveness only (/health answers as soon as the listener is up). Readiness (/ready: model loaded and warmed) is for
# orchestrators that route traffic; see Deploy/README.md. The port follows RAMPART_PORT.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["/bin/sh", "-c", "curl --fail --silent --show-error --max-time 2 \"http://127.0.0.1:${RAMPART_PORT:-8080}/health\" || exit 1"]

ENTRYPOINT ["rampart"]
CMD ["serve", "--host", "0.0.0.0"]
