#include "tabular/bom_filter.h"

namespace smlapi::tabular {

namespace {
constexpr std::string_view kBom = "\xEF\xBB\xBF";
}

BomFilter::Pieces BomFilter::filter(std::string_view piece) noexcept {
  if (done_) return {{}, piece};
  std::size_t i = 0;
  while (i < piece.size() && matched_ < kBom.size()) {
    if (piece[i] != kBom[matched_]) {
      // Not a BOM: the bytes held back from earlier pieces are ordinary input, and so is all
      // of this piece (its first i bytes matched too).
      done_ = true;
      return {kBom.substr(0, matched_ - i), piece};
    }
    ++matched_;
    ++i;
  }
  if (matched_ == kBom.size()) {
    done_ = true;
    return {{}, piece.substr(i)};
  }
  return {{}, {}};  // the piece was a BOM prefix: hold it until the next piece decides
}

std::string_view BomFilter::finish() noexcept {
  if (done_) return {};
  done_ = true;
  return matched_ == kBom.size() ? std::string_view{} : kBom.substr(0, matched_);
}

}  // namespace smlapi::tabular
