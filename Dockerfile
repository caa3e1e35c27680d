# The tests image: the harness and its black-box suite, run from a dedicated image.
#   docker build -t rackharness-tests .
#   docker run --rm rackharness-tests                      # the suite, isolated (no services needed)
#   docker run --rm rackharness-tests ./stack.sh test      # everything CI runs (real RabbitMQ inside)
#
# Layers, slowest-changing first: the Debian packages; the Python dependencies, resolved from the
# packaging files alone (pyproject.toml, or setup.py's arguments; .ci/dependencies.py); then the
# source and rackharness itself (no dependencies left to fetch). Editing the source rebuilds only
# the last two layers.
FROM python:3.11-slim
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ENV PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RACKHARNESS_VENV=/usr/local PYTHON=/usr/local/bin/python
# rabbitmq-server's postinst must not start a broker in the build; rackharness starts its own.
# Versions are not pinned: the image follows its Debian release, as stack.sh does on a machine.
# hadolint ignore=DL3008
RUN printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends rabbitmq-server ipmitool freeipmi-tools \
 && rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d
WORKDIR /src
# The extras are those stack.sh installs (ensure_venv), so its bootstrap below finds them all.
COPY pyproject.toml setup.py README.md /tmp/deps/
COPY .ci/dependencies.py /tmp/deps/.ci/
RUN python /tmp/deps/.ci/dependencies.py embedded-mongo test isolated vagrant > /tmp/deps/requirements.txt \
 && pip install -r /tmp/deps/requirements.txt \
 && rm -rf /tmp/deps
COPY . .
# stack.sh's own bootstrap installs rackharness (editable) into RACKHARNESS_VENV=/usr/local and writes
# its install marker, so `./stack.sh ...` in the container does not install again.
RUN ./stack.sh config --list >/dev/null
CMD ["env", "RACKHARNESS_MODE=isolated", "python", "-m", "nose2"]
