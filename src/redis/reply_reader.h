// hiredis's RESP reader with a bound on what a reply can make it allocate. hiredis 0.14 sizes an
// array's element table from the header alone: "*600000000\r\n", twelve bytes, asks for 4.8 GB,
// and nested headers multiply it — a hostile or broken server (or anyone in the path of a plain
// connection) could take the process down. The reply objects are built here exactly as hiredis
// builds them (so freeReplyObject frees them), with a budget of array elements per reply.
#pragma once

#include <cstddef>
#include <memory>

#include "redis/reply.h"

struct redisReader;

namespace smlapi::redis {

// Far above anything this service reads (admission replies: a dozen elements; SCAN pages and
// the deny-list resync: about a thousand), far below what would hurt (8 MiB of pointers).
inline constexpr std::size_t kMaxReplyElements = 1 << 20;

class ReplyReader {
 public:
  enum class Next { reply, more, error };

  ReplyReader();
  ~ReplyReader();
  ReplyReader(const ReplyReader&) = delete;
  ReplyReader& operator=(const ReplyReader&) = delete;

  // False when the bytes cannot be taken (out of memory).
  bool feed(const char* data, std::size_t size);
  // The next complete reply into `reply`; `more` until enough bytes came; `error` for a
  // protocol error or a reply over the budget (the connection cannot be read any further).
  Next next(Reply& reply);

 private:
  struct ReaderDeleter {
    void operator()(redisReader* reader) const noexcept;
  };

  // Array elements of the reply being read; the reader hands its address to each task.
  std::unique_ptr<std::size_t> elements_;
  std::unique_ptr<redisReader, ReaderDeleter> reader_;
};

}  // namespace smlapi::redis
