#include "redis/revocation_publisher.h"

#include "redis/lua_scripts.h"

namespace smlapi::redis {

RevocationPublisher::RevocationPublisher(const Config& config)
    : script_(lua::kRevokeAndPublish), channel_(revocation_channel(config)) {}

boost::system::result<void, Error> RevocationPublisher::publish(ConnectionPool& pool,
                                                                const DenyListEntry& entry) const {
  const std::string deadline = std::to_string(entry.deny_until);
  const std::string message = revocation_message(entry);
  auto reply = script_.run(pool, {entry.key}, {deadline, channel_, message});
  if (!reply.has_value()) return reply.error();
  return {};
}

}  // namespace smlapi::redis
