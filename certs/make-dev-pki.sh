#!/usr/bin/env bash
# Makes the development PKI under certs/dev/ (ignored by git): a root CA, the three demo agencies'
# certificates and an empty CRL. Private keys of a development network never belong in a repository.
# Usage: certs/make-dev-pki.sh [--force]      (needs `npm run build` first)
set -euo pipefail
cd "$(dirname "$0")/.."
out=certs/dev
lienthong() { node bin/lienthong.js "$@"; }

if [ -e "$out/ca/ca.cert.pem" ] && [ "${1:-}" != "--force" ]; then
  echo "certs/dev already holds a PKI; pass --force to make a new one" >&2
  exit 2
fi
rm -rf "$out"
lienthong pki init-ca --dir "$out/ca" --name "lienthong Development Root CA"
lienthong pki issue --ca-dir "$out/ca" --organ 000.00.00.G22 --name "Văn phòng Chính phủ" --out "$out/000.00.00.G22"
lienthong pki issue --ca-dir "$out/ca" --organ 000.00.00.H41 --name "UBND tỉnh Nghệ An" --out "$out/000.00.00.H41"
lienthong pki issue --ca-dir "$out/ca" --organ 000.00.00.H57 --name "UBND tỉnh Thừa Thiên Huế" --out "$out/000.00.00.H57"
lienthong pki crl --ca-dir "$out/ca" --out "$out/ca/ca.crl.pem"
echo "Development PKI in $out"
