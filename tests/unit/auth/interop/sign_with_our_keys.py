#!/usr/bin/python3
"""Signs access tokens with PyJWT using the private key files of a secure-ml-api key directory.

Usage: sign_with_our_keys.py KEY_DIR ISSUER AUDIENCE NOW KID:ALG [KID:ALG ...]
Prints one "<kid> <token>" line per key.

ES256 signatures are rewritten to their low-S spelling (s <= n/2): PyJWT/cryptography return
either half, and secure-ml-api accepts only the low one (one spelling per token). The rewrite
is the same signature, not a re-signing: (r, n-s) verifies whenever (r, s) does.
"""
import base64
import sys
import uuid

import jwt
from cryptography.hazmat.primitives import serialization


def load_key(key_dir, kid, alg):
    if alg == "HS256":
        with open(f"{key_dir}/{kid}.hs256", "rb") as f:
            return f.read()
    with open(f"{key_dir}/{kid}.pem", "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def low_s(token):
    head, body, signature = token.split(".")
    raw = base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4))
    s = int.from_bytes(raw[32:], "big")
    if s <= P256_ORDER // 2:
        return token
    raw = raw[:32] + (P256_ORDER - s).to_bytes(32, "big")
    return f"{head}.{body}.{base64.urlsafe_b64encode(raw).rstrip(b'=').decode()}"


def main():
    key_dir, issuer, audience, now = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    for spec in sys.argv[5:]:
        kid, alg = spec.split(":")
        claims = {
            "iss": issuer, "sub": "pyjwt-" + kid, "aud": [audience, "someone-else"],
            "iat": now, "nbf": now, "exp": now + 600, "jti": str(uuid.uuid4()),
            "scope": "predict", "client_id": "pyjwt", "gty": "password",
        }
        token = jwt.encode(claims, load_key(key_dir, kid, alg), algorithm=alg,
                           headers={"kid": kid, "typ": "at+jwt"})
        print(kid, low_s(token) if alg == "ES256" else token)


if __name__ == "__main__":
    main()
