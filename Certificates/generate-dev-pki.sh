#!/usr/bin/env bash
# Generates SWGate's DEVELOPMENT PKI into the directory of this script.
#
#   TEST MATERIAL ONLY. Every private key generated here is committed to a public
#   repository and protected (where protected at all) by a published passphrase.
#   Never use any of these keys or certificates outside tests and local development.
#
# Produces (RSA-2048 unless noted, 10-year validity unless noted):
#   ca.pem / ca.key                 the development CA (trust anchor)
#   gateway, nsw, asw, portal, officer   end-entity certificates (NAME.pem / NAME.key)
#                                   the servers (gateway, nsw, asw) carry subjectAltNames: their
#                                   host name (NAME.swgate.test), localhost and 127.0.0.1, so
#                                   TLS clients verify them without overrides
#   ecdsa.pem / ecdsa.key           an ECDSA P-256 end-entity certificate
#   expired.pem / expired.key       expired in 2021
#   revoked.pem / revoked.key       revoked; listed in crl.pem
#   crl.pem                         the CA's CRL (valid 10 years)
#   rogue-ca.pem, rogue.pem / rogue.key  a certificate from a CA nobody trusts
#   gateway-encrypted.key           gateway.key as AES-256 encrypted PKCS#8 PEM
#   gateway.p12                     gateway key + certificate + CA as PKCS#12
#   The passphrase of the last two is "swgate-test-only" (test-only, published).
set -euo pipefail
cd "$(dirname "$0")"
DAYS=3650
PASS=swgate-test-only
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cat > "$WORK/ca.cnf" <<CNF
[ ca ]
default_ca = dev
[ dev ]
dir = $WORK/db
database = \$dir/index.txt
new_certs_dir = \$dir/new
serial = \$dir/serial
crlnumber = \$dir/crlnumber
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
default_crl_days = $DAYS
[ any ]
commonName = supplied
organizationName = optional
countryName = optional
organizationalUnitName = optional
[ leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ root ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
CNF

new_ca() { # name subject dbdir
    local name=$1 subject=$2 db=$3
    mkdir -p "$db/new"; : > "$db/index.txt"; echo 1000 > "$db/serial"; echo 1000 > "$db/crlnumber"
    openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$name.key"
    openssl req -new -x509 -key "$name.key" -subj "$subject" -days $DAYS -sha256 \
        -config "$WORK/ca.cnf" -extensions root -out "$name.pem"
}

issue() { # section name subject [startdate enddate] [keyalg]
    local section=$1 name=$2 subject=$3 start=${4:-} end=${5:-} alg=${6:-rsa}
    if [ "$alg" = ec ]; then
        openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$name.key"
    else
        openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$name.key"
    fi
    openssl req -new -key "$name.key" -subj "$subject" -out "$WORK/$name.csr"
    local dates=(-days $DAYS)
    if [ -n "$start" ]; then dates=(-startdate "$start" -enddate "$end"); fi
    local ca=ca
    if [ "$section" = rogue ]; then ca=rogue-ca; fi
    local extensions=(-extensions leaf)
    if [ -n "${SAN_HOST:-}" ]; then
        # A server: the leaf extensions plus the names TLS clients check.
        { echo "[ server ]"; awk '/^\[/ { on = ($0 == "[ leaf ]"); next } on' "$WORK/ca.cnf"
          echo "subjectAltName = DNS:$SAN_HOST, DNS:localhost, IP:127.0.0.1"; } > "$WORK/$name.ext"
        extensions=(-extfile "$WORK/$name.ext" -extensions server)
    fi
    openssl ca -batch -notext -config "$WORK/ca.cnf" -name "$section" -cert "$ca.pem" -keyfile "$ca.key" \
        "${extensions[@]}" "${dates[@]}" -in "$WORK/$name.csr" -out "$name.pem" 2>/dev/null
}

sed "s#^dir = .*#dir = $WORK/rogue#; s#^\[ dev \]#[ rogue ]#" "$WORK/ca.cnf" | sed -n '/^\[ rogue \]/,/^\[ any \]/p' \
    | sed '$d' >> "$WORK/ca.cnf"

new_ca ca "/C=VN/O=SWGate Development (TEST ONLY)/CN=SWGate Development CA" "$WORK/db"
SAN_HOST=gateway.swgate.test issue dev gateway "/C=VN/O=Ministry of Industry and Trade (TEST ONLY)/OU=SWGate/CN=gateway.swgate.test"
SAN_HOST=nsw.swgate.test issue dev nsw "/C=VN/O=National Single Window (TEST ONLY)/CN=nsw.swgate.test"
SAN_HOST=asw.swgate.test issue dev asw "/C=TH/O=ASEAN Single Window Access Point (TEST ONLY)/CN=asw.swgate.test"
issue dev portal "/C=VN/O=Ministry of Industry and Trade (TEST ONLY)/OU=Portal/CN=portal.swgate.test"
issue dev officer "/C=VN/O=Ministry of Industry and Trade (TEST ONLY)/OU=Issuing Officers/CN=Officer Nguyen Van A"
issue dev ecdsa "/C=VN/O=Ministry of Industry and Trade (TEST ONLY)/CN=ecdsa.swgate.test" "" "" ec
issue dev expired "/C=VN/O=Ministry of Industry and Trade (TEST ONLY)/CN=expired.swgate.test" 20200101000000Z 20210101000000Z
issue dev revoked "/C=VN/O=Ministry of Industry and Trade (TEST ONLY)/CN=revoked.swgate.test"
openssl ca -batch -config "$WORK/ca.cnf" -name dev -cert ca.pem -keyfile ca.key -revoke revoked.pem 2>/dev/null
openssl ca -batch -config "$WORK/ca.cnf" -name dev -cert ca.pem -keyfile ca.key -gencrl -out crl.pem 2>/dev/null

new_ca rogue-ca "/C=ZZ/O=Unknown CA (TEST ONLY)/CN=Rogue CA" "$WORK/rogue"
issue rogue rogue "/C=VN/O=Ministry of Industry and Trade (TEST ONLY)/CN=gateway.swgate.test"
rm -f rogue-ca.key

openssl pkey -in gateway.key -aes256 -passout pass:$PASS -out gateway-encrypted.key
openssl pkcs12 -export -inkey gateway.key -in gateway.pem -certfile ca.pem -name gateway \
    -passout pass:$PASS -out gateway.p12
chmod 644 ./*.key ./*.p12
echo "development PKI written to $(pwd) -- TEST MATERIAL ONLY"
