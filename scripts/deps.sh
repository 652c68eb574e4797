#!/bin/sh
# Installs the Debian packages chatd needs: "build" (to build and run) or
# "test" (also the test tools and the real IRC clients used in interop tests).
set -e
pkgs="build-essential autoconf automake libtool pkg-config autoconf-archive
      libevent-dev libssl-dev libtomlplusplus-dev libdb5.3++-dev libsystemd-dev openssl
      libgtkmm-4.0-dev libsecret-1-dev libsoup-3.0-dev libturbojpeg0-dev libadwaita-1-dev libboost1.81-dev libboost-json1.81-dev
      libwslay-dev zlib1g-dev"
if [ "${1:-build}" = test ]; then
  # debhelper, lintian, desktop-file-utils, appstream: the package test
  # (tests/package/test_package.sh). Xvfb, xdotool, ImageMagick, dbus-x11,
  # x11-utils, glib-networking (GIO TLS), xclip (clipboard), python3-gi and
  # gir1.2-gtk-4.0 (the drag source of the drop test): chat-gtk's UI tests.
  pkgs="$pkgs libcpputest-dev python3 python3-pytest python3-websocket tmux irssi weechat-curses weechat-headless
        debhelper lintian desktop-file-utils appstream
        xvfb xdotool imagemagick dbus-x11 x11-utils glib-networking xclip python3-gi gir1.2-gtk-4.0"
fi
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
