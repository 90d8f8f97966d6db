# devvy's worker image: where opencode works on a ticket's clone. devvy builds it itself when missing
# (no registry needed beyond the base image, the Debian archive and the npm registry).
ARG BASE_IMAGE=node:22-bookworm-slim
FROM ${BASE_IMAGE}

ARG OPENCODE_VERSION=1.18.33

# An extra CA bundle (PEM) for TLS-intercepting proxies; an empty file when none is needed.
COPY extra-ca.pem /tmp/devvy-extra-ca.pem

# ripgrep: without rg on PATH opencode downloads it on first use, with no timeout. Node.js comes with
# the node base image; on a plain Debian base it is Debian's.
RUN set -eux; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates git bash ripgrep; \
    if ! command -v node >/dev/null 2>&1; then apt-get install -y --no-install-recommends nodejs npm; fi; \
    if [ -s /tmp/devvy-extra-ca.pem ]; then \
      cp /tmp/devvy-extra-ca.pem /usr/local/share/ca-certificates/devvy-extra-ca.crt; \
      update-ca-certificates; \
    fi; \
    rm -rf /var/lib/apt/lists/* /tmp/devvy-extra-ca.pem; \
    git config --system --add safe.directory '*'

# Node (npm, opencode's plugins) trusts the system bundle, which holds the extra CA if one was given.
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt

RUN set -eux; \
    npm install -g "opencode-ai@${OPENCODE_VERSION}"; \
    npm cache clean --force; \
    opencode --version

# Containers run as the host user's uid:gid, which has no home in the image: give every uid one.
RUN mkdir -p /home/devvy && chmod 1777 /home/devvy
ENV HOME=/home/devvy

LABEL devvy.worker="1" devvy.opencode="${OPENCODE_VERSION}"
CMD ["sleep", "infinity"]
