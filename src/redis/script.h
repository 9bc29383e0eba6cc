#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

#include "redis/connection_pool.h"

namespace smlapi::redis {

// A Lua script run with EVALSHA, falling back to EVAL (which also caches it on the server) when
// the server answers NOSCRIPT (after a restart or SCRIPT FLUSH).
class Script {
 public:
  explicit Script(std::string source);

  boost::system::result<Reply, Error> run(ConnectionPool& pool,
                                          std::initializer_list<std::string_view> keys,
                                          std::initializer_list<std::string_view> args) const;
  boost::system::result<Reply, Error> run(ConnectionPool& pool,
                                          std::span<const std::string_view> keys,
                                          std::span<const std::string_view> args) const;

  const std::string& sha1() const noexcept { return sha1_; }
  const std::string& source() const noexcept { return source_; }

 private:
  std::string source_;
  std::string sha1_;  // lowercase hex, as Redis expects
};

}  // namespace smlapi::redis
