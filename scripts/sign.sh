#!/usr/bin/env bash
# sign.sh - sign memdisk.efi for UEFI Secure Boot: `make sign KEY=... CERT=...`.
#
# Usage: scripts/sign.sh KEY CERT IN OUT
#   KEY   the signing key, PEM. An encrypted key: sbsign cannot ask for its
#         passphrase, so give it in SIGN_PASS_FILE (a file holding only the
#         passphrase); a decrypted copy lives in a private temporary file
#         for the signing only.
#   CERT  its certificate, PEM or DER (a MOK certificate is usually DER):
#         the one in the firmware's db, or enrolled in shim's MOK list.
# Writes OUT, then checks it with sbverify against CERT. Needs sbsigntool
# (and openssl for a DER certificate or an encrypted key).
set -euo pipefail

die() { echo "sign: $*" >&2; exit 1; }
(( $# == 4 )) || die "usage: scripts/sign.sh KEY CERT IN OUT (make sign KEY=key.pem CERT=cert.pem)"
key=$1 cert=$2 in=$3 out=$4
command -v sbsign >/dev/null || die "sbsign not found: install sbsigntool (apt-get install sbsigntool)"
[[ -r $key ]] || die "cannot read the key '$key'"
[[ -r $cert ]] || die "cannot read the certificate '$cert'"
[[ -r $in ]] || die "cannot read '$in' (run make first)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 700 "$tmp"
if ! grep -q -- "-----BEGIN CERTIFICATE-----" "$cert"; then
    openssl x509 -inform DER -in "$cert" -out "$tmp/cert.pem" 2>"$tmp/err" ||
        die "'$cert' is neither a PEM nor a DER certificate: $(head -n1 "$tmp/err")"
    cert=$tmp/cert.pem
fi
if grep -q -e "ENCRYPTED" "$key"; then
    [[ -n ${SIGN_PASS_FILE:-} ]] ||
        die "'$key' is encrypted: put its passphrase in a file and name it in SIGN_PASS_FILE"
    (umask 077 && openssl pkey -in "$key" -passin "file:$SIGN_PASS_FILE" -out "$tmp/key.pem" \
        2>"$tmp/err") || die "cannot decrypt '$key': $(head -n1 "$tmp/err")"
    key=$tmp/key.pem
fi
sbsign --key "$key" --cert "$cert" --output "$out.tmp" "$in" >"$tmp/log" 2>&1 ||
    { rm -f "$out.tmp"; die "sbsign failed: $(tr '\n' ' ' <"$tmp/log")"; }
sbverify --cert "$cert" "$out.tmp" >"$tmp/log" 2>&1 ||
    { rm -f "$out.tmp"; die "the signed file does not verify against '$cert': $(tr '\n' ' ' <"$tmp/log")"; }
mv "$out.tmp" "$out"
subject=$(openssl x509 -in "$cert" -noout -subject 2>/dev/null | sed 's/^subject= *//')
echo "sign: $out: signed by ${subject:-$cert}; sbverify: OK"
