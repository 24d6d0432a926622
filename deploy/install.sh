#!/bin/sh
# Install Rashomon as a systemd service, from a checkout, as root: `sudo deploy/install.sh`.
#   - a system user `rashomon`;
#   - the code and its virtual environment in $PREFIX (/opt/rashomon);
#   - the config in $CONFIG_DIR (/etc/rashomon): rashomon.toml from the example, and an empty
#     secrets file `env` readable by root and the service only;
#   - the unit in $UNIT_DIR (/etc/systemd/system), then `systemctl daemon-reload`.
# The store lives in /var/lib/rashomon, which systemd creates (StateDirectory=). Running it again
# upgrades the code and keeps the config and the secrets. Set SKIP_USER=1, SKIP_PIP=1 or
# SKIP_SYSTEMCTL=1 to leave a step out (the tests install into a temporary directory that way).
set -eu

PREFIX=${PREFIX:-/opt/rashomon}
CONFIG_DIR=${CONFIG_DIR:-/etc/rashomon}
UNIT_DIR=${UNIT_DIR:-/etc/systemd/system}
PYTHON=${PYTHON:-python3.11}
GROUP=${GROUP:-rashomon}
SOURCE=$(cd "$(dirname "$0")/.." && pwd)

if [ "${SKIP_USER:-0}" != 1 ] && ! id rashomon >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/rashomon --no-create-home --shell /usr/sbin/nologin rashomon
fi

echo "code → $PREFIX"
mkdir -p "$PREFIX"
(cd "$SOURCE" && tar --exclude=./.venv --exclude=./var --exclude=./.git -cf - .) | (cd "$PREFIX" && tar -xf -)
if [ "${SKIP_PIP:-0}" != 1 ]; then
    "$PYTHON" -m venv "$PREFIX/.venv"
    "$PREFIX/.venv/bin/python" -m pip install -q -U pip
    "$PREFIX/.venv/bin/python" -m pip install -q "$PREFIX"
fi

echo "config → $CONFIG_DIR"
mkdir -p "$CONFIG_DIR"
chmod 750 "$CONFIG_DIR"
[ -e "$CONFIG_DIR/rashomon.toml" ] || cp "$SOURCE/deploy/rashomon.example.toml" "$CONFIG_DIR/rashomon.toml"
[ -e "$CONFIG_DIR/env" ] || : > "$CONFIG_DIR/env"
chmod 640 "$CONFIG_DIR/rashomon.toml" "$CONFIG_DIR/env"
if [ "${SKIP_USER:-0}" != 1 ]; then
    chgrp "$GROUP" "$CONFIG_DIR" "$CONFIG_DIR/rashomon.toml" "$CONFIG_DIR/env"
fi

echo "unit → $UNIT_DIR/rashomon.service"
mkdir -p "$UNIT_DIR"
sed "s#/opt/rashomon#$PREFIX#g" "$SOURCE/deploy/rashomon.service" > "$UNIT_DIR/rashomon.service"
if [ "${SKIP_SYSTEMCTL:-0}" != 1 ]; then
    systemctl daemon-reload
fi

cat <<NEXT
Installed. Next:
  1. put the secrets in $CONFIG_DIR/env (RASHOMON_SLACK_URL=…, RASHOMON_WEBHOOK_SECRET=…);
  2. edit $CONFIG_DIR/rashomon.toml (channels, user_agent);
  3. systemctl enable --now rashomon && journalctl -u rashomon -f
NEXT
