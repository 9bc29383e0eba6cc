#!/usr/bin/python3
"""Verifies tokens issued by secure-ml-api with PyJWT, using only our JWKS document.

Usage: verify_ours.py JWKS_FILE HS256_SECRET_FILE ISSUER AUDIENCE TOKEN_FILE
TOKEN_FILE holds one "<alg> <token>" per line. HS256 tokens are checked with the secret file
(HS256 keys are never in the JWKS). Prints "ok <alg> <sub>" per token; exits 1 on any failure.
"""
import json
import sys

import jwt


def main():
    jwks_file, secret_file, issuer, audience, token_file = sys.argv[1:6]
    with open(jwks_file) as f:
        jwks = jwt.PyJWKSet.from_dict(json.load(f))
    keys = {key.key_id: key for key in jwks.keys}
    with open(secret_file, "rb") as f:
        secret = f.read()
    failures = 0
    with open(token_file) as f:
        for line in f:
            alg, token = line.split()
            header = jwt.get_unverified_header(token)
            key = secret if alg == "HS256" else keys[header["kid"]].key
            try:
                if header.get("typ") != "at+jwt":
                    raise ValueError("typ is " + repr(header.get("typ")))
                claims = jwt.decode(token, key, algorithms=[alg], audience=audience,
                                    issuer=issuer,
                                    options={"require": ["exp", "iat", "nbf", "jti", "sub"]})
                print("ok", alg, claims["sub"])
            except Exception as error:  # report every failure, not just the first
                print("FAIL", alg, type(error).__name__, error)
                failures += 1
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
