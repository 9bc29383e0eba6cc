// GoogleTest helpers for results (boost::system::result, std::expected and the like) that read
// an error only after checking that the call failed.
//
// On a successful boost::system::result, .error() yields a default error: the enum's first
// value. `EXPECT_EQ(parse(x).error(), Code::first)` therefore passes for a call that succeeded,
// a check that cannot fail. Tests use these helpers instead; tests/lint-result-errors.sh fails
// when a file under tests/unit calls .error() anywhere but here.
//
//   EXPECT_THAT(parse("x"), FailsWith(Code::bad));            // failed, with this error
//   EXPECT_THAT(load(p), FailsWith(Field(&Error::code, Code::missing)));  // or a matcher of it
//   EXPECT_THAT(parse("x"), Fails());                        // failed, any error
//   ASSERT_THAT(load(p), Succeeds());                         // holds a value; prints the error
//   const auto error = ErrorOf(load(p));                      // the error; the test fails (and
//                                                             // stops) when the call succeeded
//   const Key key = ValueOf(load(p));                         // the value; fails and stops when
//                                                             // the call failed
#pragma once

#include <concepts>
#include <ostream>
#include <source_location>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/system/result.hpp>

namespace smlapi::result_testing {

template <typename R>
concept ResultLike = requires(const R& result) {
  { result.has_value() } -> std::convertible_to<bool>;
  result.error();
};

template <ResultLike R>
using ErrorType = std::remove_cvref_t<decltype(std::declval<const R&>().error())>;

// Readable text for an error: its message/msg/reason member, to_string(error) found by
// argument-dependent lookup, or what GoogleTest prints for it.
template <typename E>
std::string DescribeError(const E& error) {
  if constexpr (requires { std::string(error.message); }) {
    return std::string(error.message);
  } else if constexpr (requires { std::string(error.msg); }) {
    return std::string(error.msg);
  } else if constexpr (requires { std::string(error.reason); }) {
    return std::string(error.reason);
  } else if constexpr (requires { std::string(to_string(error)); }) {
    return std::string(to_string(error));
  } else {
    return ::testing::PrintToString(error);
  }
}

// Thrown by ErrorOf after it recorded the failure: the test cannot go on without an error.
class ResultSucceeded : public std::logic_error {
 public:
  ResultSucceeded() : std::logic_error("ErrorOf: expected the call to fail, but it succeeded") {}
};

// Thrown by ValueOf after it recorded the failure.
class ResultFailed : public std::runtime_error {
 public:
  explicit ResultFailed(const std::string& error)
      : std::runtime_error("ValueOf: expected the call to succeed, but it failed with " + error) {}
};

// The error of a result that must hold one. When the call succeeded, the test fails at the
// caller's line and stops (GoogleTest reports the exception as well).
template <ResultLike R>
ErrorType<R> ErrorOf(const R& result,
                     const std::source_location where = std::source_location::current()) {
  if (result.has_value()) {
    ADD_FAILURE_AT(where.file_name(), static_cast<int>(where.line()))
        << "expected the call to fail, but it succeeded";
    throw ResultSucceeded();
  }
  return result.error();
}

// The value of a result that must hold one. When the call failed, the test fails at the
// caller's line with the error's description and stops.
template <ResultLike R>
auto ValueOf(R&& result, const std::source_location where = std::source_location::current()) {
  if (!result.has_value()) {
    const std::string error = DescribeError(result.error());
    ADD_FAILURE_AT(where.file_name(), static_cast<int>(where.line()))
        << "expected the call to succeed, but it failed with " << error;
    throw ResultFailed(error);
  }
  return *std::forward<R>(result);
}

namespace detail {

template <typename T, typename E>
class FailsWithImpl : public ::testing::MatcherInterface<T> {
 public:
  explicit FailsWithImpl(::testing::Matcher<const E&> error) : error_(std::move(error)) {}

  bool MatchAndExplain(T result, ::testing::MatchResultListener* listener) const override {
    if (result.has_value()) {
      *listener << "which succeeded";
      return false;
    }
    const E error = result.error();
    ::testing::StringMatchResultListener inner;
    const bool matched = error_.MatchAndExplain(error, &inner);
    *listener << "which failed with " << DescribeError(error);
    if (!inner.str().empty()) *listener << ", " << inner.str();
    return matched;
  }

  void DescribeTo(std::ostream* os) const override {
    *os << "fails with an error that ";
    error_.DescribeTo(os);
  }

  void DescribeNegationTo(std::ostream* os) const override {
    *os << "succeeds, or fails with an error that ";
    error_.DescribeNegationTo(os);
  }

 private:
  ::testing::Matcher<const E&> error_;
};

template <typename T>
class SucceedsImpl : public ::testing::MatcherInterface<T> {
 public:
  bool MatchAndExplain(T result, ::testing::MatchResultListener* listener) const override {
    if (result.has_value()) return true;
    *listener << "which failed with " << DescribeError(result.error());
    return false;
  }
  void DescribeTo(std::ostream* os) const override { *os << "succeeds"; }
  void DescribeNegationTo(std::ostream* os) const override { *os << "fails"; }
};

}  // namespace detail

// Matches a failed result whose error matches `error` (a value compared with ==, or a matcher).
template <typename Inner>
class FailsWith {
 public:
  explicit FailsWith(Inner error) : error_(std::move(error)) {}

  template <typename T>
  operator ::testing::Matcher<T>() const {  // NOLINT(google-explicit-constructor)
    using R = std::remove_cvref_t<T>;
    static_assert(ResultLike<R>, "FailsWith matches results (has_value() and error())");
    using E = ErrorType<R>;
    return ::testing::MakeMatcher(
        new detail::FailsWithImpl<T, E>(::testing::SafeMatcherCast<const E&>(error_)));
  }

 private:
  Inner error_;
};

// Matches a failed result, whatever its error.
inline auto Fails() { return FailsWith(::testing::_); }

// Matches a result that holds a value; on a mismatch the error is described.
class Succeeds {
 public:
  template <typename T>
  operator ::testing::Matcher<T>() const {  // NOLINT(google-explicit-constructor)
    static_assert(ResultLike<std::remove_cvref_t<T>>, "Succeeds matches results");
    return ::testing::MakeMatcher(new detail::SucceedsImpl<T>());
  }
};

}  // namespace smlapi::result_testing

namespace boost::system {

// GoogleTest prints values in failure messages; Boost's operator<< for result requires a
// printable T and E (a scoped enum is not), so results are printed here instead.
template <class T, class E>
void PrintTo(const result<T, E>& result, std::ostream* os) {
  if (!result.has_value()) {
    *os << "error: " << smlapi::result_testing::DescribeError(result.error());
  } else if constexpr (std::is_void_v<T>) {
    *os << "success";
  } else {
    *os << "value: " << ::testing::PrintToString(*result);
  }
}

}  // namespace boost::system
