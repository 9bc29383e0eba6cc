// ReplyReader: hiredis's RESP parser with replies built here under an element budget, so that a
// header cannot make the process allocate gigabytes before a single element arrived.
#include "redis/reply_reader.h"

#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

namespace smlapi::redis {
namespace {

ReplyReader::Next read_one(std::string_view bytes, Reply& reply) {
  ReplyReader reader;
  EXPECT_TRUE(reader.feed(bytes.data(), bytes.size()));
  return reader.next(reply);
}

TEST(ReplyReader, BuildsRepliesAsHiredisDoes) {
  Reply reply;
  ASSERT_EQ(read_one("*3\r\n:7\r\n$5\r\nhello\r\n*2\r\n+OK\r\n$-1\r\n", reply),
            ReplyReader::Next::reply);
  ASSERT_EQ(reply->type, REDIS_REPLY_ARRAY);
  ASSERT_EQ(reply->elements, 3u);
  EXPECT_EQ(reply->element[0]->integer, 7);
  EXPECT_EQ(std::string(reply->element[1]->str, reply->element[1]->len), "hello");
  EXPECT_EQ(reply->element[2]->element[0]->type, REDIS_REPLY_STATUS);
  EXPECT_EQ(reply->element[2]->element[1]->type, REDIS_REPLY_NIL);
}

TEST(ReplyReader, WaitsForTheRestOfAReply) {
  ReplyReader reader;
  Reply reply;
  ASSERT_TRUE(reader.feed("*2\r\n:1\r\n", 8));
  EXPECT_EQ(reader.next(reply), ReplyReader::Next::more);
  ASSERT_TRUE(reader.feed(":2\r\n", 4));
  ASSERT_EQ(reader.next(reply), ReplyReader::Next::reply);
  EXPECT_EQ(reply->element[1]->integer, 2);
}

TEST(ReplyReader, AHugeArrayHeaderIsRefusedBeforeAnythingIsAllocated) {
  Reply reply;
  // hiredis alone would calloc 4.8 GB for these twelve bytes.
  EXPECT_EQ(read_one("*600000000\r\n", reply), ReplyReader::Next::error);
}

TEST(ReplyReader, NestedHeadersShareOneBudgetPerReply) {
  // Each header alone is under the budget; together they would ask for 2^40 pointers.
  std::string bomb;
  for (int depth = 0; depth < 4; ++depth) bomb += "*1048000\r\n";
  Reply reply;
  EXPECT_EQ(read_one(bomb, reply), ReplyReader::Next::error);
  // The budget is per reply: many ordinary replies in a row are fine.
  ReplyReader reader;
  std::string page = "*1000\r\n";
  for (int i = 0; i < 1000; ++i) page += ":1\r\n";
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(reader.feed(page.data(), page.size()));
    ASSERT_EQ(reader.next(reply), ReplyReader::Next::reply) << i;
  }
}

}  // namespace
}  // namespace smlapi::redis
