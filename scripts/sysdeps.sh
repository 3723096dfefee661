#!/usr/bin/env bash
# Installs the Debian packages the tests need (PostgreSQL server binaries, poppler for PDF
# text checks) when they are missing. Needs root for apt-get; without root it only reports.
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
# Browser tests drive Debian's Chromium through Playwright (Playwright's own download does not work here).
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "Paket sistem belum terpasang: ${need[*]} (jalankan sebagai root atau pasang manual)." >&2
  exit 0
fi
echo "Memasang paket sistem: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
