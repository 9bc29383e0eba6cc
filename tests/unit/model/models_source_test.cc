// ModelsSource: the registry built from the lexicon files, rebuilt when they change or when
// forced, the last good one kept when they are broken; workers take a new registry (scorers
// and answer fragments) between requests.
#include "api/models_source.h"

#include "api/log.h"
#include "api/service_metrics.h"
#include "api/worker_state.h"
#include "app/model_catalog.h"
#include "result_matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace smlapi::api {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Outcome = ReloadResult::Outcome;

constexpr std::string_view kBuiltin = "vader-3.3.2+038c30065b5e";

std::vector<std::string> vader_versions(const model::ModelRegistry& registry) {
  std::vector<std::string> versions;
  for (std::size_t slot : registry.family("vader")->slots) {
    versions.push_back(registry.at(slot).info().version);
  }
  return versions;
}

class ModelsSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(directory_);
    write("customer service\t-2.5\n");
    auto initial = app::build_model_registry(options_);
    ASSERT_TRUE(initial.has_value());
    auto loader = [options =
                       options_]() -> boost::system::result<ModelsSource::Registry, std::string> {
      auto loaded = app::build_model_registry(options);
      if (!loaded) return ::smlapi::result_testing::ErrorOf(loaded).message;
      return *loaded;
    };
    source_.emplace(*initial, loader, std::vector<std::filesystem::path>{file_});
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  // A new file (new inode), as a ConfigMap update or an editor's save-and-rename makes it.
  void write(const std::string& content) {
    const auto staged = directory_ / "staged";
    std::ofstream(staged) << content;
    std::filesystem::rename(staged, file_);
  }
  std::string default_version() const { return vader_versions(*source_->current()).front(); }

  std::filesystem::path directory_ =
      std::filesystem::temp_directory_path() /
      ("models-source-" + std::to_string(::getpid()) + "-" +
       ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::path file_ = directory_ / "overrides.tsv";
  app::ModelOptions options_{"", file_.string()};
  std::optional<ModelsSource> source_;
};

TEST_F(ModelsSourceTest, ReloadsWhenTheFileChangesAndKeepsTheLastGoodRegistry) {
  const std::string first = default_version();
  EXPECT_NE(first, kBuiltin);
  EXPECT_THAT(vader_versions(*source_->current()), ElementsAre(first, kBuiltin));
  const std::uint64_t generation = source_->generation();
  EXPECT_EQ(source_->reload(false).outcome, Outcome::unchanged);  // same file

  write("customer service\t2.5\n");
  const ReloadResult loaded = source_->reload(false);
  EXPECT_EQ(loaded.outcome, Outcome::loaded);
  EXPECT_THAT(loaded.detail, HasSubstr(default_version()));
  EXPECT_NE(default_version(), first);
  EXPECT_EQ(source_->generation(), generation + 1);
  const std::string second = default_version();

  write("customer service\t1\nnot bad\tvery\n");
  const ReloadResult failed = source_->reload(false);
  EXPECT_EQ(failed.outcome, Outcome::failed);
  EXPECT_THAT(failed.detail, HasSubstr("--lexicon-overrides line 2"));
  EXPECT_EQ(default_version(), second);  // the last good registry stays
  EXPECT_EQ(source_->generation(), generation + 1);

  std::filesystem::remove(file_);
  EXPECT_EQ(source_->reload(true).outcome, Outcome::failed);
  EXPECT_EQ(default_version(), second);

  // Equal content again (a forced reload, e.g. SIGHUP): nothing for the workers to rebuild.
  write("# same content\ncustomer   service\t2.50\n");
  EXPECT_EQ(source_->reload(true).outcome, Outcome::unchanged);
  EXPECT_EQ(source_->generation(), generation + 1);
}

TEST_F(ModelsSourceTest, AFixedSourceNeverReloads) {
  ModelsSource fixed(source_->current());
  EXPECT_EQ(fixed.reload(true).outcome, Outcome::unchanged);
  EXPECT_EQ(fixed.current(), source_->current());
}

TEST_F(ModelsSourceTest, WorkersTakeTheNewRegistryBetweenRequests) {
  const int fd = ::memfd_create("models-source-log", MFD_CLOEXEC);
  ASSERT_GE(fd, 0);
  {
    LogSink sink(fd);
    ServiceMetrics metrics(1, BuildInfo{"test", "test"});
    WorkerState worker(0, *source_, sink, false, metrics.worker(0));
    const auto first = source_->current();
    EXPECT_EQ(&worker.models(), first.get());
    EXPECT_EQ(worker.scorers.size(), first->size());
    EXPECT_THAT(worker.fragments.at(0).model, HasSubstr(default_version()));

    write("customer service\t2.5\n");
    ASSERT_EQ(source_->reload(false).outcome, Outcome::loaded);
    EXPECT_EQ(&worker.models(), first.get());  // nothing changes under a running request
    worker.follow_models(*source_);
    EXPECT_EQ(&worker.models(), source_->current().get());
    EXPECT_THAT(worker.fragments.at(0).model, HasSubstr(default_version()));
    EXPECT_EQ(worker.scorers.size(), worker.models().size());
  }
  ::close(fd);
}

}  // namespace
}  // namespace smlapi::api
