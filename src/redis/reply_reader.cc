#include "redis/reply_reader.h"

#include <cstdlib>
#include <cstring>

#include <hiredis/hiredis.h>

namespace smlapi::redis {
namespace {

redisReply* new_reply(int type) {
  auto* reply = static_cast<redisReply*>(std::calloc(1, sizeof(redisReply)));
  if (reply != nullptr) reply->type = type;
  return reply;
}

// Links a child into its array, as hiredis does.
redisReply* attach(const redisReadTask* task, redisReply* reply) {
  if (reply != nullptr && task->parent != nullptr) {
    static_cast<redisReply*>(task->parent->obj)->element[task->idx] = reply;
  }
  return reply;
}

void* create_string(const redisReadTask* task, char* text, std::size_t length) {
  redisReply* reply = new_reply(task->type);
  if (reply == nullptr) return nullptr;
  auto* copy = static_cast<char*>(std::malloc(length + 1));
  if (copy == nullptr) {
    freeReplyObject(reply);
    return nullptr;
  }
  std::memcpy(copy, text, length);
  copy[length] = '\0';
  reply->str = copy;
  reply->len = length;
  return attach(task, reply);
}

void* create_integer(const redisReadTask* task, long long value) {
  redisReply* reply = new_reply(REDIS_REPLY_INTEGER);
  if (reply != nullptr) reply->integer = value;
  return attach(task, reply);
}

void* create_nil(const redisReadTask* task) { return attach(task, new_reply(REDIS_REPLY_NIL)); }

void free_object(void* reply) { freeReplyObject(reply); }

void* create_array(const redisReadTask* task, int elements) {
  auto* budget = static_cast<std::size_t*>(task->privdata);
  if (task->parent == nullptr) *budget = 0;  // a new reply
  if (elements > 0) {
    *budget += static_cast<std::size_t>(elements);
    if (*budget > kMaxReplyElements) return nullptr;  // the reader reports an error
  }
  redisReply* reply = new_reply(REDIS_REPLY_ARRAY);
  if (reply == nullptr) return nullptr;
  if (elements > 0) {
    reply->element = static_cast<redisReply**>(
        std::calloc(static_cast<std::size_t>(elements), sizeof(redisReply*)));
    if (reply->element == nullptr) {
      freeReplyObject(reply);
      return nullptr;
    }
  }
  reply->elements = static_cast<std::size_t>(elements > 0 ? elements : 0);
  return attach(task, reply);
}

redisReplyObjectFunctions kBoundedFunctions = {create_string, create_array, create_integer,
                                               create_nil, free_object};

}  // namespace

void ReplyReader::ReaderDeleter::operator()(redisReader* reader) const noexcept {
  redisReaderFree(reader);
}

ReplyReader::ReplyReader()
    : elements_(std::make_unique<std::size_t>(0)),
      reader_(redisReaderCreateWithFunctions(&kBoundedFunctions)) {
  if (reader_) reader_->privdata = elements_.get();
}

ReplyReader::~ReplyReader() = default;

bool ReplyReader::feed(const char* data, std::size_t size) {
  return reader_ && redisReaderFeed(reader_.get(), data, size) == REDIS_OK;
}

ReplyReader::Next ReplyReader::next(Reply& reply) {
  void* raw = nullptr;
  if (!reader_ || redisReaderGetReply(reader_.get(), &raw) != REDIS_OK) return Next::error;
  if (raw == nullptr) return Next::more;
  reply.reset(static_cast<redisReply*>(raw));
  return Next::reply;
}

}  // namespace smlapi::redis
