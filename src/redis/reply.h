// A reply as hiredis's reader builds it, freed with it.
#pragma once

#include <memory>

struct redisReply;

namespace smlapi::redis {

struct ReplyDeleter {
  void operator()(redisReply* reply) const noexcept;
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

}  // namespace smlapi::redis
