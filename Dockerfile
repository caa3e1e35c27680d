# The tests image: the harness and its black-box suite, run from a dedicated image.
#   docker build -t rackharness-tests .
#   docker run --rm rackharness-tests                      # the suite, isolated (no services needed)
#   docker run --rm rackharness-tests ./stack.sh test      # everything CI runs (real RabbitMQ inside)
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RACKHARNESS_VENV=/usr/local PYTHON=/usr/local/bin/python
# rabbitmq-server's postinst must not start a broker in the build; rackharness starts its own.
RUN printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends rabbitmq-server ipmitool freeipmi-tools \
 && rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d
WORKDIR /src
COPY . .
RUN pip install -e '.[embedded-mongo,test,isolated]' \
 && sha256sum setup.py | cut -c1-16 > /usr/local/.rackharness-installed
CMD ["env", "RACKHARNESS_MODE=isolated", "python", "-m", "nose2"]
