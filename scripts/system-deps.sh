#!/usr/bin/env bash
# Install what the browser tests need, only if missing: Debian's chromium (Playwright's own browser download
# does not work on closed networks), a Korean font so Hangul renders, gettext (to check the message
# catalogue), and axe-core from npm.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v xgettext >/dev/null 2>&1 || need+=(gettext)
fc-list :lang=ko 2>/dev/null | grep -q . || need+=(fonts-noto-cjk)
# NanumGothic is a TrueType font, which the PDF writer (reportlab) can embed; Noto CJK is CFF and cannot be.
[ -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ] || need+=(fonts-nanum)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]} (Debian)..." >&2
  SUDO=""; [ "$(id -u)" = "0" ] || SUDO="sudo"
  $SUDO apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  npm ci --no-audit --no-fund --silent
fi
