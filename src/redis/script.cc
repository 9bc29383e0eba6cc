#include "redis/script.h"

#include <array>
#include <vector>

#include <openssl/sha.h>

namespace smlapi::redis {
namespace {

std::string sha1_hex(std::string_view text) {
  std::array<unsigned char, SHA_DIGEST_LENGTH> digest{};
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * digest.size());
  for (const unsigned char byte : digest) {
    hex.push_back(kHex[byte >> 4]);
    hex.push_back(kHex[byte & 0xF]);
  }
  return hex;
}

}  // namespace

Script::Script(std::string source) : source_(std::move(source)), sha1_(sha1_hex(source_)) {}

boost::system::result<Reply, Error> Script::run(
    ConnectionPool& pool, std::initializer_list<std::string_view> keys,
    std::initializer_list<std::string_view> args) const {
  return run(pool, std::span(keys.begin(), keys.size()), std::span(args.begin(), args.size()));
}

boost::system::result<Reply, Error> Script::run(ConnectionPool& pool,
                                                std::span<const std::string_view> keys,
                                                std::span<const std::string_view> args) const {
  const std::string key_count = std::to_string(keys.size());
  std::vector<std::string_view> command{"EVALSHA", sha1_, key_count};
  command.insert(command.end(), keys.begin(), keys.end());
  command.insert(command.end(), args.begin(), args.end());
  auto reply = pool.execute(command);
  if (reply.has_value() || reply.error().kind != ErrorKind::server ||
      reply.error().detail.rfind("NOSCRIPT", 0) != 0) {
    return reply;
  }
  command[0] = "EVAL";
  command[1] = source_;
  return pool.execute(command);
}

}  // namespace smlapi::redis
