# One image for every ShopCS process: the web app by default, the scheduler by overriding the command.
#   docker build -t shopcs .
#   docker run --env-file /etc/shopcs/shopcs.env shopcs migrate                    # every release, first
#   docker run -d --env-file /etc/shopcs/shopcs.env -p 127.0.0.1:8000:8000 -v shopcs-data:/var/lib/shopcs shopcs
#   docker run -d --env-file /etc/shopcs/shopcs.env -v shopcs-data:/var/lib/shopcs shopcs scheduler
#   docker run --rm -it --env-file /etc/shopcs/shopcs.env shopcs flask users create admin --role admin
# It runs the same commands as the systemd units (deploy/entrypoint.sh) and as the production-layout test.
FROM python:3.11-slim-bookworm

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# A dedicated user without a login or a home of its own; it owns only the data directory.
RUN groupadd --system shopcs \
    && useradd --system --gid shopcs --home-dir /var/lib/shopcs --no-create-home --shell /usr/sbin/nologin shopcs

WORKDIR /opt/shopcs
# The checkout, less what .dockerignore leaves out (the venv, tests, instance data), installed as the README
# installs it: a virtualenv in .venv with ShopCS installed in place (its templates, static files and migrations
# are read from the checkout).
COPY . /opt/shopcs
RUN bash scripts/install.sh \
    && mkdir -p /opt/shopcs/instance /var/lib/shopcs/uploads \
    && chown -R shopcs:shopcs /var/lib/shopcs

ENV PATH=/opt/shopcs/.venv/bin:$PATH \
    SHOPCS_WEB_BIND=0.0.0.0:8000 \
    SHOPCS_UPLOAD_DIR=/var/lib/shopcs/uploads
VOLUME ["/var/lib/shopcs"]
EXPOSE 8000
USER shopcs

ENTRYPOINT ["/opt/shopcs/deploy/entrypoint.sh"]
# gunicorn with deploy/gunicorn.conf.py; `scheduler`, `migrate` or `flask ARGS...` instead run the others.
CMD ["web"]
