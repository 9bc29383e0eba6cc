#pragma once

#include <stdexcept>
#include <utility>

#include <boost/system/result.hpp>

namespace smlapi::net::testing {

// The value of a result that the test expects to hold one; otherwise the test fails (GoogleTest
// reports the exception). Checking first also keeps -Wnull-dereference quiet at -O2.
template <typename T, typename E>
T unwrap(boost::system::result<T, E> result) {
  if (!result.has_value()) throw std::runtime_error("result holds an error");
  return std::move(*result);
}

}  // namespace smlapi::net::testing
