// ES256 signatures travel in the JOSE form: r||s, each a 32-byte big-endian integer
// (RFC 7518 section 3.4); OpenSSL speaks DER. The conversion from JOSE checks that r and s lie in
// [1, n-1] before any curve arithmetic: r = s = 0 verified as valid in Java 15-18
// (CVE-2022-21449, "psychic signatures"), so the check is ours rather than trusted to the backend.
// Signatures are also low-S only (s <= n/2, as Bitcoin's BIP 62/146 and Ethereum's EIP-2 require):
// (r, s) and (r, n-s) verify alike, and a token must have exactly one valid spelling.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace smlapi::auth {

inline constexpr std::size_t kEs256SignatureBytes = 64;

// DER ECDSA-Sig-Value for a JOSE signature; std::nullopt unless it is 64 bytes with r in [1, n-1]
// and s in [1, n/2] for the P-256 group order n.
std::optional<std::string> es256_jose_to_der(std::string_view jose);

// JOSE r||s for a DER ECDSA-Sig-Value produced by OpenSSL, with s replaced by n-s when it is
// high (the same signature, in its one accepted spelling); std::nullopt if it is malformed.
std::optional<std::string> es256_der_to_jose(std::string_view der);

// The low-S spelling of a JOSE signature (s replaced by n-s when high), for signatures made by
// external identity providers, whose signers use either half: only their tokens accept both
// spellings. std::nullopt unless it is 64 bytes with r and s in [1, n-1].
std::optional<std::string> es256_jose_low_s(std::string_view jose);

}  // namespace smlapi::auth
