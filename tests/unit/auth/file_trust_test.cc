// The file-trust rule (secure_file.h: check_file_trust, read_trusted_file), one test per rule,
// and the kubelet's Secret volume layout, which must pass as it is projected.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include "auth/secure_file.h"
#include "result_matchers.h"
#include "test_support.h"

namespace smlapi::auth {
namespace {

using ::smlapi::result_testing::FailsWith;
using ::smlapi::result_testing::Succeeds;
using ::testing::Field;
using ::testing::HasSubstr;
using testing::TempDir;

namespace fs = std::filesystem;

constexpr uid_t kOtherUid = 65532;
constexpr gid_t kFsGroup = 65532;

auto FailsBecause(std::string_view why) {
  return FailsWith(Field(&Error::message, HasSubstr(std::string(why))));
}

fs::path make_file(const fs::path& path, mode_t mode, uid_t owner = 0, gid_t group = 0) {
  EXPECT_TRUE(write_new_file(path, "contents", mode)) << path;
  EXPECT_EQ(::chown(path.c_str(), owner, group), 0) << path;
  EXPECT_EQ(::chmod(path.c_str(), mode), 0) << path;
  return path;
}

void set_directory(const fs::path& path, mode_t mode, uid_t owner = 0, gid_t group = 0) {
  ASSERT_EQ(::chown(path.c_str(), owner, group), 0) << path;
  ASSERT_EQ(::chmod(path.c_str(), mode), 0) << path;
}

TEST(FileTrust, OwnerOnlyFileOfRootOrThisProcessIsTrusted) {
  TempDir dir;
  ASSERT_EQ(::geteuid(), 0u) << "the tests chown files: run them as root";
  const fs::path file = make_file(dir.path() / "k", 0600);
  EXPECT_THAT(check_file_trust(file, FileAudience::secret), Succeeds());
  const auto read = read_trusted_file(file, FileAudience::secret);
  ASSERT_THAT(read, Succeeds());
  EXPECT_EQ(*read, "contents");
}

TEST(FileTrust, GroupReadableSecretIsTrusted) {
  TempDir dir;
  const fs::path file = make_file(dir.path() / "k", 0440, 0, kFsGroup);
  EXPECT_THAT(check_file_trust(file, FileAudience::secret), Succeeds());
  EXPECT_THAT(read_trusted_file(file, FileAudience::secret), Succeeds());
}

TEST(FileTrust, GroupWritableFileIsRefused) {
  TempDir dir;
  const fs::path file = make_file(dir.path() / "k", 0460, 0, kFsGroup);
  for (const auto audience : {FileAudience::secret, FileAudience::public_material}) {
    EXPECT_THAT(check_file_trust(file, audience), FailsBecause("writable by group or others"));
    EXPECT_THAT(read_trusted_file(file, audience), FailsBecause("writable by group or others"));
  }
}

TEST(FileTrust, FileWritableByOthersIsRefused) {
  TempDir dir;
  const fs::path file = make_file(dir.path() / "k", 0402);
  EXPECT_THAT(read_trusted_file(file, FileAudience::public_material),
              FailsBecause("writable by group or others"));
}

TEST(FileTrust, SecretReadableByOthersIsRefusedPublicMaterialIsNot) {
  TempDir dir;
  const fs::path file = make_file(dir.path() / "k", 0644);
  EXPECT_THAT(read_trusted_file(file, FileAudience::secret), FailsBecause("accessible by others"));
  EXPECT_THAT(read_trusted_file(file, FileAudience::public_material), Succeeds());
}

TEST(FileTrust, FileOfAnotherAccountIsRefused) {
  TempDir dir;
  const fs::path file = make_file(dir.path() / "k", 0400, kOtherUid, kFsGroup);
  EXPECT_THAT(check_file_trust(file, FileAudience::public_material),
              FailsBecause("owned by uid 65532"));
  EXPECT_THAT(read_trusted_file(file, FileAudience::public_material),
              FailsBecause("owned by uid 65532"));
}

TEST(FileTrust, DirectoryWritableByGroupIsRefused) {
  TempDir dir;
  fs::create_directory(dir.path() / "keys");
  const fs::path file = make_file(dir.path() / "keys" / "k", 0400);
  set_directory(dir.path() / "keys", 0775, 0, kFsGroup);
  EXPECT_THAT(check_file_trust(file, FileAudience::secret),
              FailsBecause("directory writable by group or others"));
  EXPECT_THAT(read_trusted_file(file, FileAudience::secret),
              FailsBecause("directory writable by group or others"));
}

TEST(FileTrust, StickyDirectoryWritableByAllIsTrusted) {
  TempDir dir;
  fs::create_directory(dir.path() / "tmpfs");
  const fs::path file = make_file(dir.path() / "tmpfs" / "k", 0400);
  set_directory(dir.path() / "tmpfs", 01777);
  EXPECT_THAT(read_trusted_file(file, FileAudience::secret), Succeeds());
}

TEST(FileTrust, DirectoryOfAnotherAccountIsRefusedEvenSticky) {
  TempDir dir;
  fs::create_directory(dir.path() / "theirs");
  const fs::path file = make_file(dir.path() / "theirs" / "k", 0400);
  set_directory(dir.path() / "theirs", 01755, kOtherUid);
  EXPECT_THAT(read_trusted_file(file, FileAudience::secret), FailsBecause("owned by uid 65532"));
}

TEST(FileTrust, DirectoryHigherUpIsExamined) {
  TempDir dir;
  fs::create_directories(dir.path() / "a" / "b");
  const fs::path file = make_file(dir.path() / "a" / "b" / "k", 0400);
  set_directory(dir.path() / "a", 0757);
  EXPECT_THAT(read_trusted_file(file, FileAudience::secret),
              FailsBecause("directory writable by group or others"));
}

TEST(FileTrust, DirectoryHoldingALinkOnTheWayIsExamined) {
  TempDir dir;
  fs::create_directory(dir.path() / "trusted");
  fs::create_directory(dir.path() / "open");
  make_file(dir.path() / "trusted" / "k", 0400);
  fs::create_symlink(dir.path() / "trusted" / "k", dir.path() / "open" / "k");
  set_directory(dir.path() / "open", 0777);  // anyone could point the link elsewhere
  EXPECT_THAT(read_trusted_file(dir.path() / "open" / "k", FileAudience::secret),
              FailsBecause("directory writable by group or others"));
}

TEST(FileTrust, DirectoryBehindADirectoryLinkIsExamined) {
  TempDir dir;
  fs::create_directories(dir.path() / "open" / "real");
  fs::create_directory(dir.path() / "trusted");
  make_file(dir.path() / "open" / "real" / "k", 0400);
  fs::create_directory_symlink(dir.path() / "open" / "real", dir.path() / "trusted" / "link");
  set_directory(dir.path() / "open", 0777);  // anyone could swap `real` for their own
  EXPECT_THAT(read_trusted_file(dir.path() / "trusted" / "link" / "k", FileAudience::secret),
              FailsBecause("directory writable by group or others"));
}

TEST(FileTrust, FifoIsRefusedWithoutBlocking) {
  TempDir dir;
  ASSERT_EQ(::mkfifo((dir.path() / "k").c_str(), 0600), 0);
  EXPECT_THAT(read_trusted_file(dir.path() / "k", FileAudience::secret),
              FailsBecause("not a regular file"));
}

TEST(FileTrust, OversizedFileIsRefused) {
  TempDir dir;
  const fs::path file = make_file(dir.path() / "k", 0400);
  EXPECT_THAT(read_trusted_file(file, FileAudience::secret, 4), FailsBecause("file too large"));
}

// The kubelet's layout with fsGroup: volume 3777 root:fsGroup, ..<stamp> 2755, files 0440,
// reached through <name> -> ..data/<name> and ..data -> ..<stamp>.
TEST(FileTrust, KubeletSecretVolumeIsTrusted) {
  TempDir dir;
  const fs::path volume = dir.path() / "keys";
  testing::project_secret(volume, {{"k.pem", "first"}});
  const auto first = read_trusted_file(volume / "k.pem", FileAudience::secret);
  ASSERT_THAT(first, Succeeds());
  EXPECT_EQ(*first, "first");
  testing::project_secret(volume, {{"k.pem", "second"}});  // an update: ..data swapped
  const auto second = read_trusted_file(volume / "k.pem", FileAudience::secret);
  ASSERT_THAT(second, Succeeds());
  EXPECT_EQ(*second, "second");
}

TEST(FileTrust, KubeletSecretVolumeWithGroupWritableModeIsRefused) {
  TempDir dir;
  const fs::path volume = dir.path() / "keys";
  testing::project_secret(volume, {{"k.pem", "key"}}, 0460);  // defaultMode 0460
  EXPECT_THAT(read_trusted_file(volume / "k.pem", FileAudience::secret),
              FailsBecause("writable by group or others"));
}

TEST(FileTrust, KubeletDataDirectoryBehindTheLinkIsExamined) {
  TempDir dir;
  const fs::path volume = dir.path() / "keys";
  const fs::path version = testing::project_secret(volume, {{"k.pem", "key"}});
  set_directory(version, 02775, 0, kFsGroup);
  EXPECT_THAT(read_trusted_file(volume / "k.pem", FileAudience::secret),
              FailsBecause("directory writable by group or others"));
  set_directory(version, 02755, kOtherUid, kFsGroup);
  EXPECT_THAT(read_trusted_file(volume / "k.pem", FileAudience::secret),
              FailsBecause("owned by uid 65532"));
}

}  // namespace
}  // namespace smlapi::auth
