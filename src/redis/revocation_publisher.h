// Writes one revocation to Redis the way every replica must: the deny-list key until its
// deadline and the message that puts it into the other replicas' mirrors, in one script
// (lua::kRevokeAndPublish). Used by RedisRevocationStore::revoke and, for revocations queued
// during an outage, by DenyListMirrorSync.
#pragma once

#include <string>

#include <boost/system/result.hpp>

#include "redis/connection_pool.h"
#include "redis/deny_list_mirror.h"
#include "redis/script.h"

namespace smlapi::redis {

class RevocationPublisher {
 public:
  explicit RevocationPublisher(const Config& config);

  boost::system::result<void, Error> publish(ConnectionPool& pool,
                                             const DenyListEntry& entry) const;

 private:
  Script script_;
  std::string channel_;
};

}  // namespace smlapi::redis
