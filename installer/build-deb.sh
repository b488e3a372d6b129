#!/usr/bin/env bash
# Build the desk's .deb from the PyInstaller folder: /opt/commune-desk, /usr/bin/commune-desk, a
# desktop entry and its icon. User data stays in ~/.local/share/CommuneDesk: the package never
# writes there, and removing the package leaves it.
#   installer/build-deb.sh [OUT_DIR]          (default dist/; needs the `package` extra installed)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$(realpath -m "${1:-$root/dist}")"
python="${PYTHON:-$root/.venv/bin/python}"
version="$("$python" -c 'import importlib.metadata as m; print(m.version("commune-desk"))')"
arch="$(dpkg --print-architecture)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$python" -m PyInstaller --noconfirm --log-level WARN --distpath "$work/dist" --workpath "$work/build" \
  "$root/installer/commune-desk.spec"

stage="$work/stage"
install -d "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
  "$stage/usr/share/icons/hicolor/256x256/apps" "$stage/usr/share/doc/commune-desk"
cp -a "$work/dist/CommuneDesk" "$stage/opt/commune-desk"
ln -s /opt/commune-desk/CommuneDesk "$stage/usr/bin/commune-desk"
install -m 644 "$root/installer/commune-desk.desktop" "$stage/usr/share/applications/"
install -m 644 "$root/resources/commune-desk.png" "$stage/usr/share/icons/hicolor/256x256/apps/"
install -m 644 "$root/resources/fonts/OFL.txt" "$stage/usr/share/doc/commune-desk/fonts-OFL.txt"
cat > "$stage/DEBIAN/control" <<CONTROL
Package: commune-desk
Version: $version
Section: misc
Priority: optional
Architecture: $arch
Maintainer: Commune Desk <commune-desk@localhost>
Depends: libc6, libx11-6, libxft2, libxss1, libfontconfig1
Recommends: cups-client, xdg-utils
Installed-Size: $(du -sk "$stage" | cut -f1)
Description: One-stop counter desk for Vietnamese communes
 Offline-first desktop application for the commune's one-stop counter (Bộ phận Một cửa):
 receives dossiers, prints receipts with their appointment time, barcode and QR code, follows
 them through processing and syncs with the district server when a link is up.
CONTROL
mkdir -p "$out"
deb="$out/commune-desk_${version}_${arch}.deb"
dpkg-deb --build --root-owner-group -Zxz -z1 "$stage" "$deb" >/dev/null
echo "$deb"
