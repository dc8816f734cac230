// `perimeter serve`'s collector: the [collect] table, which stored resources a run shows to be
// gone, the schedule (one run at a time, requests served by a run that begins after them, a prompt
// stop), and the server's import of a run: new findings ACTIVE, those of changed and gone resources
// RESOLVED.
#include "perimeter/server/scheduled_collection.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "perimeter/api/access_analyzer_service.h"
#include "perimeter/base/clock.h"
#include "perimeter/server/config.h"
#include "perimeter/server/server.h"
#include "perimeter/store/memory/memory_store.h"

namespace perimeter::server {
namespace {

// ---- the [collect] table

// The status names resources of the accounts the run read: those accounts and the management
// account read it, another account does not; before a run read any account, anyone may.
TEST(CollectionStatusTest, OnlyTheAccountsReadAndTheManagementAccountMayReadIt) {
  CollectionStatus status;
  const std::optional<std::string> management = "111122223333";
  EXPECT_TRUE(MayReadCollectionStatus(status, "999999999999", management));
  status.last.accounts = {"444455556666"};
  status.last.first_error = "AccessDenied arn:aws:s3:::secret-bucket-of-444455556666";
  struct Case {
    std::string caller;
    std::optional<std::string> management;
    bool allowed;
  };
  for (const Case& c : std::vector<Case>{{"444455556666", management, true},
                                         {"111122223333", management, true},
                                         {"999999999999", management, false},
                                         {"111122223333", std::nullopt, false},
                                         {"999999999999", std::nullopt, false}}) {
    EXPECT_EQ(MayReadCollectionStatus(status, c.caller, c.management), c.allowed) << c.caller;
  }
}

TEST(CollectConfigTest, ReadsEveryKey) {
  absl::StatusOr<ServerConfig> config = ParseServerConfig(R"(
[collect]
interval = "30m"
mode = "organization"
role_name = "PerimeterReader"
external_id = "x-123"
regions = ["us-east-1", "eu-west-1"]
profile = "security"
region = "eu-west-1"
endpoint_url = "http://127.0.0.1:9000"
concurrency = 2
max_attempts = 5
timeout = "20s"

[collect.endpoints]
s3 = "http://127.0.0.1:9001"
)",
                                                          "perimeter.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_TRUE(config->collect.has_value());
  const CollectConfig& collect = *config->collect;
  EXPECT_EQ(collect.interval, absl::Minutes(30));
  EXPECT_TRUE(collect.organization);
  EXPECT_EQ(collect.role_name, "PerimeterReader");
  EXPECT_EQ(collect.external_id, "x-123");
  EXPECT_EQ(collect.regions, (std::vector<std::string>{"us-east-1", "eu-west-1"}));
  EXPECT_EQ(collect.profile, "security");
  EXPECT_EQ(collect.region, "eu-west-1");
  EXPECT_EQ(collect.endpoint_url, "http://127.0.0.1:9000");
  EXPECT_EQ(collect.concurrency, 2);
  EXPECT_EQ(collect.max_attempts, 5);
  EXPECT_EQ(collect.timeout_seconds, 20);
  EXPECT_EQ(collect.endpoints.at("s3"), "http://127.0.0.1:9001");
}

TEST(CollectConfigTest, AbsentMeansNoCollectorAndEmptyMeansDefaults) {
  absl::StatusOr<ServerConfig> none = ParseServerConfig("", "perimeter.toml");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->collect.has_value());
  absl::StatusOr<ServerConfig> defaults = ParseServerConfig("[collect]\n", "perimeter.toml");
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  ASSERT_TRUE(defaults->collect.has_value());
  EXPECT_FALSE(defaults->collect->organization);
  EXPECT_EQ(defaults->collect->role_name, "OrganizationAccountAccessRole");
  EXPECT_EQ(defaults->collect->interval, absl::Hours(6));
}

struct BadCollectCase {
  std::string name;
  std::string table;  // the lines after "[collect]"
  std::string error;
};

class BadCollectTest : public testing::TestWithParam<BadCollectCase> {};

TEST_P(BadCollectTest, IsRejectedWithItsPosition) {
  absl::StatusOr<ServerConfig> config =
      ParseServerConfig("[collect]\n" + GetParam().table, "perimeter.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find(GetParam().error), std::string_view::npos)
      << config.status();
}

INSTANTIATE_TEST_SUITE_P(
    Config, BadCollectTest,
    testing::Values(
        BadCollectCase{"UnknownKey", "schedule = \"1h\"\n",
                       "perimeter.toml:2:1: unknown key 'schedule' in [collect]"},
        BadCollectCase{"Interval", "interval = \"soon\"\n",
                       "perimeter.toml:2:12: 'interval' must be a duration"},
        BadCollectCase{"Mode", "mode = \"everything\"\n",
                       "'mode' must be \"account\" or \"organization\""},
        BadCollectCase{"Region", "regions = [\"us-east-1/x\"]\n", "is not a region name"},
        BadCollectCase{"Concurrency", "concurrency = 0\n",
                       "'concurrency' must be a whole number from 1 to 256"},
        BadCollectCase{"Timeout", "timeout = \"1h\"\n", "'timeout' must be a duration of at most"},
        BadCollectCase{"Endpoint", "[collect.endpoints]\ns3 = 1\n",
                       "'endpoints.s3' must be a URL"}),
    [](const testing::TestParamInfo<BadCollectCase>& info) { return info.param.name; });

// ---- GoneResources

store::InventoryRecord Stored(std::string owner, std::string arn) {
  return store::InventoryRecord{store::InventoryKind::kResource, std::move(arn), "{}",
                                absl::UnixEpoch(), std::move(owner)};
}

collect::CollectionError ErrorAbout(std::string account, std::string resource) {
  return collect::CollectionError{collect::ErrorKind::kAccessDenied,
                                  std::move(account),
                                  "us-east-1",
                                  "S3",
                                  "GetBucketPolicy",
                                  std::move(resource),
                                  "AccessDenied",
                                  "denied"};
}

struct GoneCase {
  std::string name;
  std::vector<std::string> covered;
  std::vector<collect::CollectionError> errors;
  std::vector<std::string> gone;
};

class GoneResourcesTest : public testing::TestWithParam<GoneCase> {};

// Stored: a bucket still there, a bucket gone, a queue gone, and another account's bucket.
TEST_P(GoneResourcesTest, OnlyWhatTheRunVouchesFor) {
  std::vector<store::InventoryRecord> stored = {
      Stored("111111111111", "arn:aws:s3:::kept"), Stored("111111111111", "arn:aws:s3:::old"),
      Stored("111111111111", "arn:aws:sqs:us-east-1:111111111111:jobs"),
      Stored("222222222222", "arn:aws:s3:::theirs")};
  std::set<std::string> collected = {"arn:aws:s3:::kept"};
  EXPECT_EQ(GoneResources(stored, collected, GetParam().covered, GetParam().errors),
            GetParam().gone);
}

INSTANTIATE_TEST_SUITE_P(
    Collection, GoneResourcesTest,
    testing::Values(GoneCase{"CleanRun",
                             {"111111111111"},
                             {},
                             {"arn:aws:s3:::old", "arn:aws:sqs:us-east-1:111111111111:jobs"}},
                    GoneCase{"AccountNotRead", {}, {}, {}},
                    GoneCase{"AListFailed", {"111111111111"}, {ErrorAbout("111111111111", "")}, {}},
                    GoneCase{"AnotherAccountsListFailed",
                             {"111111111111"},
                             {ErrorAbout("222222222222", "")},
                             {"arn:aws:s3:::old", "arn:aws:sqs:us-east-1:111111111111:jobs"}},
                    GoneCase{"ItsReadFailedByArn",
                             {"111111111111"},
                             {ErrorAbout("111111111111", "arn:aws:s3:::old")},
                             {"arn:aws:sqs:us-east-1:111111111111:jobs"}},
                    GoneCase{"ItsReadFailedByName",
                             {"111111111111"},
                             {ErrorAbout("111111111111", "old")},
                             {"arn:aws:sqs:us-east-1:111111111111:jobs"}}),
    [](const testing::TestParamInfo<GoneCase>& info) { return info.param.name; });

// ---- the schedule

// A run that blocks until released, counting its runs.
class GatedRun {
 public:
  CollectionOutcome operator()(const std::atomic<bool>& stopping) {
    std::unique_lock lock(mutex_);
    ++started_;
    changed_.notify_all();
    // `stopping` is the schedule's flag, not notified here: looked at every few milliseconds.
    while (!(released_ >= started_ || stopping))
      changed_.wait_for(lock, std::chrono::milliseconds(5));
    return CollectionOutcome{};
  }
  void Release() {
    std::lock_guard lock(mutex_);
    ++released_;
    changed_.notify_all();
  }
  void AwaitStarted(int runs) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return started_ >= runs; });
  }
  int started() {
    std::lock_guard lock(mutex_);
    return started_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  int started_ = 0;
  int released_ = 0;
};

TEST(CollectionScheduleTest, RequestsDuringARunAreServedByOneMoreRun) {
  base::FakeClock clock(1'000);
  GatedRun gate;
  CollectionSchedule schedule(
      absl::Hours(24), [&](const std::atomic<bool>& stopping) { return gate(stopping); }, clock,
      nullptr);
  schedule.Start();
  gate.AwaitStarted(1);  // the run at start
  EXPECT_TRUE(schedule.status().running);
  std::atomic<int> served = 0;
  schedule.Request([&] { ++served; });
  schedule.Request([&] { ++served; });
  gate.Release();
  gate.AwaitStarted(2);  // one more run for both requests, begun after them
  EXPECT_EQ(served, 0);  // not served by the run under way when they came
  gate.Release();
  schedule.WaitIdle();
  EXPECT_EQ(served, 2);
  EXPECT_EQ(gate.started(), 2);
  EXPECT_EQ(schedule.status().runs, 2u);
  EXPECT_FALSE(schedule.status().running);
  schedule.Stop();
}

TEST(CollectionScheduleTest, StopCutsTheRunShortAndServesWaitingRequests) {
  base::FakeClock clock(1'000);
  GatedRun gate;
  CollectionSchedule schedule(
      absl::Hours(24), [&](const std::atomic<bool>& stopping) { return gate(stopping); }, clock,
      nullptr);
  schedule.Start();
  gate.AwaitStarted(1);
  bool served = false;
  schedule.Request([&] { served = true; });
  schedule.Stop();  // the gated run sees `stopping` and returns: Stop does not hang
  EXPECT_TRUE(served);
  EXPECT_EQ(gate.started(), 1);
}

TEST(CollectionScheduleTest, StatusJsonReportsTheLastRun) {
  CollectionStatus status;
  status.runs = 1;
  status.last_started_ms = 1'700'000'000'000;
  status.last_finished_ms = 1'700'000'001'000;
  status.last.resources = 3;
  status.last.errors = 1;
  status.last.first_error = "{\"kind\":\"collectionError\"}";
  EXPECT_EQ(CollectionStatusJson(status),
            R"({"running":false,"runs":1,"lastStartedAt":"2023-11-14T22:13:20.000Z",)"
            R"("lastFinishedAt":"2023-11-14T22:13:21.000Z","status":"OK","resources":3,)"
            R"("collectionErrors":1,"imported":0,"removed":0,)"
            R"("firstCollectionError":"{\"kind\":\"collectionError\"}"})");
}

}  // namespace
}  // namespace perimeter::server
