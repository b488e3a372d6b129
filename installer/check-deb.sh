#!/usr/bin/env bash
# CI: build the .deb, install it with dpkg, run `commune-desk --selftest` under Xvfb as a user with
# a fresh home, then remove the package and check the user's data is still there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
deb="$("$root/installer/build-deb.sh" "$work" | tail -n1)"
dpkg -i "$deb" >/dev/null
home="$work/home"
mkdir -p "$home"
data="$home/.local/share/CommuneDesk"
env -u XDG_DATA_HOME -u COMMUNE_DESK_DATA_DIR HOME="$home" xvfb-run -a /usr/bin/commune-desk --selftest
test -f "$data/desk.sqlite3" || { echo "selftest left no database in $data" >&2; exit 1; }
if find /opt/commune-desk -name '*.sqlite3' | grep -q .; then
  echo "user data written into the install folder" >&2; exit 1
fi
dpkg -r commune-desk >/dev/null
test ! -e /usr/bin/commune-desk && test ! -e /opt/commune-desk
test -f "$data/desk.sqlite3" || { echo "removing the package deleted the user's data" >&2; exit 1; }
echo "commune-desk .deb: installed, selftest passed, removed; user data kept"
