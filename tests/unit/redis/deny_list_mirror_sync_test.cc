// DenyListMirrorSync against a real redis-server: the mirror fills at start, follows other
// replicas' revocations, repairs what it missed, and revocations made during an outage reach
// Redis when it returns. Waits poll with a generous bound; nothing asserts how fast.
#include "redis/deny_list_mirror_sync.h"

#include <signal.h>

#include <chrono>
#include <functional>
#include <thread>

#include <gtest/gtest.h>

#include "../ratelimit/fake_clock.h"
#include "redis/redis_admission_store.h"
#include "redis/redis_revocation_store.h"
#include "redis_server.h"

namespace smlapi::redis {
namespace {

using namespace std::chrono_literals;
using ratelimit::Listing;
using ratelimit::testing::FakeClock;
using testing::RedisServer;

constexpr std::int64_t kNow = 1'900'000'000;  // after the test run: entries live until kNow + n
constexpr std::int64_t kDenyUntil = kNow + 600;

bool eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return condition();
}

// One replica's deny-list side, wired as serve does it.
struct Replica {
  Replica(const Config& config, const ratelimit::TimeSource& clock,
          std::chrono::milliseconds resync = 3600s,
          RevocationFailureMode mode = RevocationFailureMode::mirror)
      : mirror(std::make_shared<DenyListMirror>(config, mode)),
        sync(config, mirror, resync),
        revocations(std::make_shared<RedisRevocationStore>(config, clock, mirror)) {
    sync.start();
  }
  bool synced() const {
    return eventually([this] { return sync.resyncs() >= 1; });
  }
  bool lists(std::string_view jti) const {
    return mirror->outage_listing(jti, kNow) == Listing::listed;
  }

  std::shared_ptr<DenyListMirror> mirror;
  DenyListMirrorSync sync;
  std::shared_ptr<RedisRevocationStore> revocations;
};

class DenyListMirrorSyncTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { signal(SIGPIPE, SIG_IGN); }
  void SetUp() override {
    if (!testing::redis_server_available()) {
      GTEST_SKIP() << testing::kRedisServerPath << " not installed";
    }
  }
  Config config_for(const RedisServer& server) const {
    Config config;
    config.port = server.port();
    config.connections = 2;
    config.timeout = 500ms;
    config.connect_timeout = 500ms;
    config.reconnect_min = 20ms;
    config.reconnect_max = 200ms;
    return config;
  }
  FakeClock clock_;
};

TEST_F(DenyListMirrorSyncTest, FillsFromTheDenyListAlreadyInRedis) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  const Config config = config_for(server);
  RedisRevocationStore earlier(config, clock_);
  ASSERT_TRUE(earlier.revoke("before-start", kDenyUntil, kNow).has_value());
  // An operator's key without expiry counts as revoked for as long as it exists.
  testing::run_command(config, {"SET", "smlapi:revoked:by-hand", "1"});
  testing::run_command(config, {"SET", "smlapi:unrelated", "1"});

  Replica replica(config, clock_);
  ASSERT_TRUE(replica.synced());
  EXPECT_TRUE(replica.lists("before-start"));
  EXPECT_TRUE(replica.lists("by-hand"));
  EXPECT_FALSE(replica.lists("never-revoked"));
  EXPECT_EQ(replica.mirror->size(), 2u);
  // The deadline came from Redis: listed until deny_until, not after.
  const std::string key = deny_list_key(config, "before-start");
  EXPECT_TRUE(replica.mirror->contains(key, kDenyUntil - 1));
  EXPECT_FALSE(replica.mirror->contains(key, kDenyUntil));
}

TEST_F(DenyListMirrorSyncTest, FollowsRevocationsPublishedByAnotherReplica) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  const Config config = config_for(server);
  Replica here(config, clock_);  // resyncs once an hour: only a message can bring it news
  Replica there(config, clock_);
  ASSERT_TRUE(here.synced());
  ASSERT_TRUE(there.synced());
  ASSERT_TRUE(there.revocations->revoke("elsewhere", kDenyUntil, kNow).has_value());
  EXPECT_TRUE(there.lists("elsewhere")) << "the revoking replica knows at once";
  EXPECT_TRUE(eventually([&] { return here.lists("elsewhere"); }));
  EXPECT_EQ(here.sync.resyncs(), 1u);
  EXPECT_EQ(testing::run_command(config, {"EXPIRETIME", "smlapi:revoked:elsewhere"}), kDenyUntil);
}

TEST_F(DenyListMirrorSyncTest, ResyncRepairsAMissedMessage) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  const Config config = config_for(server);
  testing::run_command(
      config, {"SET", "smlapi:revoked:unrevoked-later", "1", "EXAT", std::to_string(kDenyUntil)});
  Replica replica(config, clock_, 100ms);
  ASSERT_TRUE(replica.synced());
  ASSERT_TRUE(replica.lists("unrevoked-later"));
  // Written without a message, as if it had been lost; and one deleted by an operator.
  testing::run_command(config,
                       {"SET", "smlapi:revoked:silent", "1", "EXAT", std::to_string(kDenyUntil)});
  testing::run_command(config, {"DEL", "smlapi:revoked:unrevoked-later"});
  EXPECT_TRUE(eventually([&] { return replica.lists("silent"); }));
  EXPECT_TRUE(eventually([&] { return !replica.lists("unrevoked-later"); }));
}

TEST_F(DenyListMirrorSyncTest, RevocationsDuringAnOutageReachRedisWhenItReturns) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  const Config config = config_for(server);
  Replica here(config, clock_);
  Replica there(config, clock_);
  ASSERT_TRUE(here.synced());
  ASSERT_TRUE(there.synced());
  ASSERT_TRUE(here.revocations->revoke("before", kDenyUntil, kNow).has_value());
  server.stop();

  ASSERT_TRUE(here.revocations->revoke("during", kDenyUntil, kNow).has_value()) << "queued";
  EXPECT_TRUE(testing::unwrap(here.revocations->is_revoked("during", kNow)));
  EXPECT_TRUE(testing::unwrap(here.revocations->is_revoked("before", kNow)));
  EXPECT_FALSE(testing::unwrap(here.revocations->is_revoked("valid", kNow)));
  EXPECT_EQ(here.mirror->unpublished().size(), 1u);

  ASSERT_TRUE(server.start());  // same port, empty data set
  EXPECT_TRUE(eventually([&] {
    return testing::run_command(config, {"EXISTS", "smlapi:revoked:during"}) == 1;
  }));
  EXPECT_EQ(testing::run_command(config, {"EXPIRETIME", "smlapi:revoked:during"}), kDenyUntil);
  EXPECT_TRUE(eventually([&] { return here.mirror->unpublished().empty(); }));
  EXPECT_TRUE(eventually([&] { return there.lists("during"); }));
}

TEST_F(DenyListMirrorSyncTest, ClosedModeReportsTheDenyListUnavailable) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  const Config config = config_for(server);
  Replica replica(config, clock_, 3600s, RevocationFailureMode::closed);
  ASSERT_TRUE(replica.synced());
  ASSERT_TRUE(replica.revocations->revoke("revoked", kDenyUntil, kNow).has_value());
  server.stop();
  EXPECT_TRUE(testing::unwrap(replica.revocations->is_revoked("revoked", kNow)));
  EXPECT_FALSE(replica.revocations->is_revoked("valid", kNow).has_value());
  EXPECT_FALSE(replica.revocations->unknown_listing_accepted());
}

TEST_F(DenyListMirrorSyncTest, AdmissionAnswersFromTheMirrorDuringAnOutage) {
  RedisServer server;
  ASSERT_TRUE(server.running());
  const Config config = config_for(server);
  auto store = RedisStore::create(config, clock_);
  ASSERT_TRUE(store.has_value());
  Replica replica(config, clock_);
  ASSERT_TRUE(replica.synced());
  RedisAdmissionStore admission(std::move(*store), replica.revocations);
  ASSERT_TRUE(replica.revocations->revoke("revoked", kDenyUntil, kNow).has_value());
  server.stop();
  const ratelimit::Policy subject{"predict-user", 10, 3600s, 4};
  for (const auto& [jti, expected] :
       {std::pair{"revoked", Listing::listed}, std::pair{"valid", Listing::absent}}) {
    ratelimit::AdmissionQuery query;
    query.jti = jti;
    query.subject = ratelimit::LimitQuery{"user:alice", &subject};
    query.now = clock_.now();
    query.unix_now = kNow;
    const ratelimit::AdmissionResults results = admission.run(query);
    EXPECT_EQ(results.listing.value_or(Listing::unknown), expected) << jti;
    // The subject's fallback limit runs for the accepted token only.
    EXPECT_EQ(results.subject.has_value(), expected == Listing::absent) << jti;
  }
}

TEST_F(DenyListMirrorSyncTest, StopsWhileRedisIsUnreachable) {
  Config config;
  config.port = testing::free_loopback_port();
  auto mirror = std::make_shared<DenyListMirror>(config, RevocationFailureMode::mirror);
  DenyListMirrorSync sync(config, mirror, 1s);
  sync.start();
  std::this_thread::sleep_for(100ms);
  sync.stop();  // the test's timeout would catch a hang
  EXPECT_EQ(sync.resyncs(), 0u);
}

}  // namespace
}  // namespace smlapi::redis
