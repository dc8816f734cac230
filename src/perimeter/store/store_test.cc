// One suite, run on every Store implementation: the contract of store.h.
#include "perimeter/store/store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <thread>

#include "perimeter/base/text.h"
#include "perimeter/findings/finding_json.h"
#include "perimeter/store/memory/memory_store.h"
#include "perimeter/store/sqlite/sqlite_store.h"

namespace perimeter::store {
namespace {

struct StoreFactory {
  std::string name;
  // Opens the store at `dir`; opening the same dir again must see the same state (when durable).
  std::function<std::unique_ptr<Store>(const std::string& dir)> open;
  bool durable = false;
};

class StoreTest : public testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    // One directory, removed by TearDown: a parameterized test's name ("Test/Memory") holds a '/'.
    std::string name = testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '-');
    dir_ = (std::filesystem::temp_directory_path() /
            ("perimeter-store-test-" + std::to_string(getpid()) + "-" + name))
               .string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = GetParam().open(dir_);
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    if (!GetParam().durable) return;
    store_.reset();
    store_ = GetParam().open(dir_);
  }
  // The incarnation the store gave the analyzer stored under `analyzer.arn` (0 when absent).
  int64_t StoredIncarnation(const Analyzer& analyzer) {
    absl::StatusOr<std::optional<Analyzer>> stored = store_->GetAnalyzer(analyzer.arn);
    return stored.ok() && stored->has_value() ? (*stored)->incarnation : 0;
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
};

absl::Time At(int seconds) { return absl::FromUnixSeconds(1714564800 + seconds); }

Analyzer MakeAnalyzer(std::string name, int created) {
  Analyzer analyzer;
  analyzer.name = name;
  analyzer.arn = "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/" + name;
  analyzer.account_id = "111122223333";
  analyzer.region = "us-east-1";
  analyzer.type = AnalyzerType::kOrganization;
  analyzer.created_at = At(created);
  analyzer.tags = {{"team", "sec"}, {"k", "v \"quoted\""}};
  return analyzer;
}

findings::FindingRecord MakeFinding(std::string id, std::string resource) {
  findings::FindingRecord record;
  record.finding.id = id;
  record.finding.resource = resource;
  record.finding.resource_type = "AWS::S3::Bucket";
  record.finding.resource_owner_account = "111122223333";
  record.finding.principal = {{"AWS", "999988887777"}};
  record.finding.actions = {"s3:GetObject", "s3:ListBucket"};
  record.finding.condition = {{"aws:SourceVpc", "vpc-1"}};
  record.finding.is_public = true;
  record.finding.sources = {
      findings::FindingSource{findings::FindingSourceType::kS3AccessPoint,
                              "arn:aws:s3:us-east-1:111122223333:accesspoint/ap", std::nullopt}};
  record.status = findings::FindingStatus::kActive;
  record.created_at = At(1);
  record.analyzed_at = At(2);
  record.updated_at = At(3);
  return record;
}

void ExpectSameFinding(const findings::FindingRecord& a, const findings::FindingRecord& b) {
  EXPECT_EQ(a.id(), b.id());
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.analyzed_at, b.analyzed_at);
  EXPECT_EQ(a.updated_at, b.updated_at);
  EXPECT_EQ(a.finding.principal, b.finding.principal);
  EXPECT_EQ(a.finding.actions, b.finding.actions);
  EXPECT_EQ(a.finding.condition, b.finding.condition);
  EXPECT_EQ(a.finding.is_public, b.finding.is_public);
  EXPECT_EQ(a.finding.resource, b.finding.resource);
  EXPECT_EQ(a.finding.resource_type, b.finding.resource_type);
  EXPECT_EQ(a.finding.resource_owner_account, b.finding.resource_owner_account);
  EXPECT_EQ(a.finding.sources, b.finding.sources);
  EXPECT_EQ(a.finding.error, b.finding.error);
  EXPECT_EQ(a.finding.type, b.finding.type);
}

// `record` made an unused-access finding of `type` (its resource the principal, no access details),
// or an internal-access one (kInternalAccess keeps the access members).
void MakeFindingOfType(findings::FindingRecord& record, findings::FindingType type) {
  record.finding.type = type;
  if (!findings::IsUnusedAccessType(type)) return;
  record.finding.principal.clear();
  record.finding.actions.clear();
  record.finding.condition.clear();
  record.finding.sources.clear();
  record.finding.is_public = false;
  record.finding.resource_type = "AWS::IAM::Role";
  switch (type) {
    case findings::FindingType::kUnusedIamRole:
      record.finding.unused_details = {findings::UnusedIamRoleDetails{At(7)}};
      break;
    case findings::FindingType::kUnusedPermission:
      record.finding.unused_details = {findings::UnusedPermissionDetails{
          "s3", {findings::UnusedAction{"s3:GetObject", std::nullopt}}, At(8)}};
      break;
    case findings::FindingType::kUnusedIamUserPassword:
      record.finding.resource_type = "AWS::IAM::User";
      record.finding.unused_details = {findings::UnusedIamUserPasswordDetails{std::nullopt}};
      break;
    case findings::FindingType::kUnusedIamUserAccessKey:
      record.finding.resource_type = "AWS::IAM::User";
      record.finding.unused_details = {findings::UnusedIamUserAccessKeyDetails{"AKIA1", At(9)}};
      break;
    case findings::FindingType::kExternalAccess:
    case findings::FindingType::kInternalAccess:
      break;
  }
}

TEST_P(StoreTest, AnalyzersRoundTripInCreationOrder) {
  Analyzer b = MakeAnalyzer("b", 1);
  Analyzer a = MakeAnalyzer("a", 2);
  a.status = AnalyzerStatus::kDisabled;
  a.status_reason = StatusReasonCode::kDelegatedAdministratorDeregistered;
  a.last_resource_analyzed = "arn:aws:s3:::x";
  a.last_resource_analyzed_at = At(5);
  a.configuration_json = R"({"unusedAccess":{"unusedAccessAge":90}})";
  ASSERT_TRUE(store_->PutAnalyzer(b).ok());
  ASSERT_TRUE(store_->PutAnalyzer(a).ok());
  b.incarnation = StoredIncarnation(b);
  a.incarnation = StoredIncarnation(a);
  Reopen();
  auto listed = store_->ListAnalyzers();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0], b);
  EXPECT_EQ((*listed)[1], a);
  auto got = store_->GetAnalyzer(a.arn);
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, a);
  auto missing = store_->GetAnalyzer("arn:nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());

  a.status = AnalyzerStatus::kActive;
  a.status_reason.reset();
  ASSERT_TRUE(store_->PutAnalyzer(a).ok());
  EXPECT_EQ(**store_->GetAnalyzer(a.arn), a);
}

// The incarnation tells the lives of one ARN apart: updates keep it, a delete and a create under
// the same ARN and the same creation time get a new one (what a running scan compares), and it
// survives a reopen.
TEST_P(StoreTest, AnAnalyzerCreatedAgainGetsANewIncarnation) {
  Analyzer analyzer = MakeAnalyzer("a", 1);
  Analyzer other = MakeAnalyzer("b", 1);
  analyzer.incarnation = 42;  // not the caller's to choose
  ASSERT_TRUE(store_->PutAnalyzer(analyzer).ok());
  ASSERT_TRUE(store_->PutAnalyzer(other).ok());
  const int64_t first = StoredIncarnation(analyzer);
  EXPECT_NE(first, 0);
  EXPECT_NE(first, 42);
  EXPECT_NE(first, StoredIncarnation(other));

  analyzer.tags["k"] = "v";
  analyzer.incarnation = 0;
  ASSERT_TRUE(store_->PutAnalyzer(analyzer).ok());
  EXPECT_EQ(StoredIncarnation(analyzer), first) << "an update keeps it";
  ASSERT_TRUE(*store_->ModifyAnalyzer(analyzer.arn, [](Analyzer& a) {
    a.tags["m"] = "n";
    return true;
  }));
  EXPECT_EQ(StoredIncarnation(analyzer), first) << "a modification keeps it";
  Reopen();
  EXPECT_EQ(StoredIncarnation(analyzer), first) << "a reopen keeps it";

  ASSERT_TRUE(store_->DeleteAnalyzer(analyzer.arn).ok());
  ASSERT_TRUE(store_->PutAnalyzer(analyzer).ok());  // same ARN, same created_at
  const int64_t second = StoredIncarnation(analyzer);
  EXPECT_NE(second, 0);
  EXPECT_NE(second, first) << "deleted and created again: a new life";
  EXPECT_NE(second, StoredIncarnation(other));
  auto listed_incarnation = [&] {
    absl::StatusOr<std::vector<Analyzer>> all = store_->ListAnalyzers();
    for (const Analyzer& listed : *all)
      if (listed.arn == analyzer.arn) return listed.incarnation;
    return int64_t{0};
  };
  EXPECT_EQ(listed_incarnation(), second);
  Reopen();
  EXPECT_EQ(StoredIncarnation(analyzer), second);
  EXPECT_EQ(listed_incarnation(), second);
}

// Unused-access findings keep their findingType and findingDetails (issue #17).
TEST_P(StoreTest, UnusedAccessFindingsRoundTripWithTheirDetails) {
  Analyzer a = MakeAnalyzer("unused", 1);
  a.type = AnalyzerType::kAccountUnusedAccess;
  ASSERT_TRUE(store_->PutAnalyzer(a).ok());
  findings::FindingRecord record;
  record.finding =
      findings::ToFinding({findings::FindingType::kUnusedIamUserAccessKey,
                           "arn:aws:iam::111122223333:user/u",
                           "AWS::IAM::User",
                           "111122223333",
                           {findings::UnusedIamUserAccessKeyDetails{"AKIAEXAMPLE", At(5)}}});
  record.created_at = At(1);
  record.analyzed_at = At(2);
  record.updated_at = At(3);
  ASSERT_TRUE(store_->WriteFindings(a.arn, {&record, 1}, {}).ok());
  Reopen();
  absl::StatusOr<std::optional<findings::FindingRecord>> read =
      store_->GetFinding(a.arn, record.id());
  ASSERT_TRUE(read.ok() && read->has_value());
  EXPECT_EQ(findings::GetFindingV2ResponseJson(**read), findings::GetFindingV2ResponseJson(record));
  EXPECT_EQ((*read)->finding.type, findings::FindingType::kUnusedIamUserAccessKey);
  absl::StatusOr<std::vector<findings::FindingRecord>> listed = store_->ListFindings(a.arn);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(findings::GetFindingV2ResponseJson((*listed)[0]),
            findings::GetFindingV2ResponseJson(record));
}

TEST_P(StoreTest, DeletingAnAnalyzerDeletesItsRulesAndFindings) {
  Analyzer a = MakeAnalyzer("a", 1);
  ASSERT_TRUE(store_->PutAnalyzer(a).ok());
  ASSERT_TRUE(
      store_->PutArchiveRule({a.arn, "r", R"({"isPublic":{"eq":["false"]}})", At(1), At(1)}).ok());
  std::vector<findings::FindingRecord> records = {MakeFinding("f1", "arn:aws:s3:::x")};
  ASSERT_TRUE(store_->WriteFindings(a.arn, records, {}).ok());
  ASSERT_TRUE(store_->DeleteAnalyzer(a.arn).ok());
  Reopen();
  EXPECT_FALSE(store_->GetAnalyzer(a.arn)->has_value());
  EXPECT_TRUE(store_->ListArchiveRules(a.arn)->empty());
  EXPECT_TRUE(store_->ListFindings(a.arn)->empty());
  EXPECT_TRUE(store_->DeleteAnalyzer(a.arn).ok());
}

// ModifyAnalyzer and ModifyFindings read, decide and write in one step; an absent analyzer is never
// written (nor revived), and a decision that declines or fails writes nothing.
TEST_P(StoreTest, ModifyAnalyzerChangesTheStoredAnalyzerOnly) {
  Analyzer analyzer = MakeAnalyzer("a", 1);
  EXPECT_FALSE(*store_->ModifyAnalyzer(analyzer.arn, [](Analyzer&) { return true; })) << "absent";
  EXPECT_FALSE(store_->GetAnalyzer(analyzer.arn)->has_value())
      << "an absent analyzer is not created";
  ASSERT_TRUE(store_->PutAnalyzer(analyzer).ok());
  analyzer.incarnation = StoredIncarnation(analyzer);
  EXPECT_FALSE(*store_->ModifyAnalyzer(analyzer.arn, [](Analyzer& a) {
    a.tags["x"] = "declined";
    return false;
  }));
  EXPECT_EQ(**store_->GetAnalyzer(analyzer.arn), analyzer);
  EXPECT_TRUE(*store_->ModifyAnalyzer(analyzer.arn, [](Analyzer& a) {
    a.tags["x"] = "y";
    a.arn = "changed";  // the key and the incarnation are not the decision's to change
    a.incarnation += 100;
    return true;
  }));
  Reopen();
  analyzer.tags["x"] = "y";
  EXPECT_EQ(**store_->GetAnalyzer(analyzer.arn), analyzer);
  EXPECT_FALSE(store_->GetAnalyzer("changed")->has_value());
}

TEST_P(StoreTest, ModifyFindingsReadsAndWritesInOneStep) {
  Analyzer analyzer = MakeAnalyzer("a", 1);
  bool called = false;
  auto never = [&](const FindingsSnapshot&) -> absl::StatusOr<std::optional<FindingChanges>> {
    called = true;
    return FindingChanges{{MakeFinding("f9", "arn:aws:s3:::z")}, {}};
  };
  EXPECT_FALSE(*store_->ModifyFindings(analyzer.arn, FindingSelection{}, never));
  EXPECT_FALSE(called) << "no decision for an absent analyzer";
  EXPECT_TRUE(store_->ListFindings(analyzer.arn)->empty())
      << "nothing written for an absent analyzer";

  ASSERT_TRUE(store_->PutAnalyzer(analyzer).ok());
  analyzer.incarnation = StoredIncarnation(analyzer);
  ArchiveRuleRecord rule{analyzer.arn, "r", R"({"isPublic":{"eq":["true"]}})", At(2), At(2)};
  ASSERT_TRUE(store_->PutArchiveRule(rule).ok());
  std::vector<findings::FindingRecord> seeded = {MakeFinding("f1", "arn:aws:s3:::x"),
                                                 MakeFinding("f2", "arn:aws:s3:::y"),
                                                 MakeFinding("f3", "arn:aws:s3:::x")};
  ASSERT_TRUE(store_->WriteFindings(analyzer.arn, seeded, {}).ok());

  struct Case {
    FindingSelection selection;
    std::vector<std::string> ids;
  };
  for (const Case& c :
       {Case{FindingSelection{}, {"f1", "f2", "f3"}},
        Case{FindingSelection{"arn:aws:s3:::x", std::nullopt}, {"f1", "f3"}},
        Case{FindingSelection{std::nullopt, std::vector<std::string>{"f3", "f1", "absent"}},
             {"f1", "f3"}}}) {
    std::vector<std::string> seen;
    EXPECT_FALSE(*store_->ModifyFindings(
        analyzer.arn, c.selection,
        [&](const FindingsSnapshot& snapshot) -> absl::StatusOr<std::optional<FindingChanges>> {
          EXPECT_EQ(snapshot.analyzer, analyzer);
          EXPECT_EQ(snapshot.archive_rules, std::vector<ArchiveRuleRecord>{rule});
          for (const auto& record : snapshot.findings) seen.push_back(record.id());
          return std::nullopt;
        }));
    EXPECT_EQ(seen, c.ids);
  }
  // An error writes nothing.
  absl::StatusOr<bool> failed = store_->ModifyFindings(
      analyzer.arn, FindingSelection{},
      [&](const FindingsSnapshot&) -> absl::StatusOr<std::optional<FindingChanges>> {
        return absl::InternalError("no");
      });
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(store_->ListFindings(analyzer.arn)->size(), 3u);
  // A decision's upserts and deletions are written together.
  findings::FindingRecord archived = seeded[0];
  archived.status = findings::FindingStatus::kArchived;
  EXPECT_TRUE(*store_->ModifyFindings(
      analyzer.arn, FindingSelection{"arn:aws:s3:::x", std::nullopt},
      [&](const FindingsSnapshot&) -> absl::StatusOr<std::optional<FindingChanges>> {
        return FindingChanges{{archived}, {"f3"}};
      }));
  Reopen();
  auto stored = store_->ListFindings(analyzer.arn);
  ASSERT_EQ(stored->size(), 2u);
  ExpectSameFinding((*stored)[0], archived);
  EXPECT_EQ((*stored)[1].id(), "f2");
}

// ModifyResourcesFindings: each resource's step reads that resource's findings (and what the steps
// before it wrote), an absent analyzer gets no decision, and the writes are kept.
TEST_P(StoreTest, ModifyResourcesFindingsDecidesEachResourceInTurn) {
  Analyzer analyzer = MakeAnalyzer("a", 1);
  const std::vector<std::string> resources = {"arn:aws:s3:::x", "arn:aws:s3:::y", "arn:aws:s3:::x"};
  bool called = false;
  EXPECT_FALSE(*store_->ModifyResourcesFindings(
      analyzer.arn, resources,
      [&](size_t, const FindingsSnapshot&, bool&) -> absl::StatusOr<std::optional<FindingChanges>> {
        called = true;
        return std::nullopt;
      },
      [&](Analyzer&) {
        called = true;
        return true;
      }));
  EXPECT_FALSE(called) << "no decision for an absent analyzer";

  ASSERT_TRUE(store_->PutAnalyzer(analyzer).ok());
  std::vector<findings::FindingRecord> seeded = {MakeFinding("f1", "arn:aws:s3:::x")};
  ASSERT_TRUE(store_->WriteFindings(analyzer.arn, seeded, {}).ok());
  std::vector<std::string> seen;
  EXPECT_TRUE(*store_->ModifyResourcesFindings(
      analyzer.arn, resources,
      [&](size_t index, const FindingsSnapshot& snapshot,
          bool&) -> absl::StatusOr<std::optional<FindingChanges>> {
        std::string line = base::Concat(index, ":");
        for (const auto& record : snapshot.findings) line += " " + record.id();
        seen.push_back(line);
        if (index == 0) return FindingChanges{{MakeFinding("f2", "arn:aws:s3:::x")}, {"f1"}};
        if (index == 1) return FindingChanges{{MakeFinding("f3", "arn:aws:s3:::y")}, {}};
        return std::nullopt;
      },
      [&](Analyzer& stored) {
        stored.last_resource_analyzed = "arn:aws:s3:::x";
        return true;
      }));
  EXPECT_EQ(seen, (std::vector<std::string>{"0: f1", "1:", "2: f2"}));
  EXPECT_EQ((*store_->GetAnalyzer(analyzer.arn))->last_resource_analyzed, "arn:aws:s3:::x");
  // A decision that stops the batch: its own changes are written, nothing after it is decided, and
  // `then` does not run.
  seen.clear();
  EXPECT_TRUE(*store_->ModifyResourcesFindings(
      analyzer.arn, resources,
      [&](size_t index, const FindingsSnapshot&,
          bool& stop) -> absl::StatusOr<std::optional<FindingChanges>> {
        seen.push_back(base::Concat(index));
        stop = true;
        return FindingChanges{{MakeFinding("f4", "arn:aws:s3:::x")}, {}};
      },
      [&](Analyzer& stored) {
        stored.last_resource_analyzed = "then ran";
        return true;
      }));
  EXPECT_EQ(seen, std::vector<std::string>{"0"});
  EXPECT_EQ((*store_->GetAnalyzer(analyzer.arn))->last_resource_analyzed, "arn:aws:s3:::x");
  EXPECT_EQ(store_->ListFindings(analyzer.arn)->size(), 3u);
  Reopen();
  auto stored = store_->ListFindings(analyzer.arn);
  ASSERT_EQ(stored->size(), 3u);
  EXPECT_EQ((*stored)[0].id(), "f2");
  EXPECT_EQ((*stored)[1].id(), "f3");
  EXPECT_EQ((*stored)[2].id(), "f4");
}

// Writers running at once (the server's HTTP workers and the analysis) each see their own write
// once it returns, none loses another's (ModifyAnalyzer reads the changes committed with it), and a
// failing write reports its own error without undoing the others (the SQLite store commits them in
// groups).
TEST_P(StoreTest, ConcurrentWritersAllCommitAndFailuresStayTheirOwn) {
  Analyzer analyzer = MakeAnalyzer("a", 1);
  analyzer.tags.clear();
  ASSERT_TRUE(store_->PutAnalyzer(analyzer).ok());
  constexpr int kThreads = 8;
  constexpr int kWrites = 12;
  std::vector<std::string> errors[kThreads];
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto fail = [&](const std::string& what) { errors[t].push_back(what); };
      for (int i = 0; i < kWrites; ++i) {
        std::string key = base::Concat(t, "-", i);
        // A tag of its own on the shared analyzer: read-modify-write by every thread at once.
        absl::StatusOr<bool> tagged = store_->ModifyAnalyzer(analyzer.arn, [&](Analyzer& a) {
          a.tags[key] = "v";
          return true;
        });
        if (!tagged.ok() || !*tagged) fail("tag " + key);
        std::optional<Analyzer> read = *store_->GetAnalyzer(analyzer.arn);
        if (!read || !read->tags.contains(key)) fail("own tag not read back " + key);
        // A finding of its own, then a decision that fails and must write nothing.
        findings::FindingRecord record = MakeFinding("f" + key, "arn:aws:s3:::b" + key);
        if (!store_->WriteFindings(analyzer.arn, std::span(&record, 1), {}).ok())
          fail("finding " + key);
        auto found = store_->GetFinding(analyzer.arn, "f" + key);
        if (!found.ok() || !found->has_value()) fail("own finding not read back " + key);
        absl::StatusOr<bool> refused = store_->ModifyFindings(
            analyzer.arn, FindingSelection{std::nullopt, std::vector<std::string>{"f" + key}},
            [&](const FindingsSnapshot&) -> absl::StatusOr<std::optional<FindingChanges>> {
              return absl::FailedPreconditionError("refused " + key);
            });
        if (refused.ok() || refused.status().message() != "refused " + key)
          fail("the failing decision's own error " + key);
        if (!store_->PutClientToken("scope" + key, key).ok()) fail("token " + key);
        auto token = store_->GetClientToken("scope" + key);
        if (!token.ok() || *token != std::optional<std::string>(key))
          fail("own token not read back " + key);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_TRUE(errors[t].empty()) << errors[t].front();
  Reopen();
  std::optional<Analyzer> stored = *store_->GetAnalyzer(analyzer.arn);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->tags.size(), size_t{kThreads * kWrites}) << "a concurrent tag was lost";
  EXPECT_EQ(store_->ListFindings(analyzer.arn)->size(), size_t{kThreads * kWrites});
}

TEST_P(StoreTest, ArchiveRules) {
  std::string arn = "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/a";
  ArchiveRuleRecord second{arn, "b-rule", R"({"x":{"exists":true}})", At(1), At(1)};
  ArchiveRuleRecord first{arn, "a-rule", R"({"y":{"eq":["1"]}})", At(2), At(2)};
  ASSERT_TRUE(store_->PutArchiveRule(second).ok());
  ASSERT_TRUE(store_->PutArchiveRule(first).ok());
  ASSERT_TRUE(store_->PutArchiveRule({arn + "x", "other", "{}", At(0), At(0)}).ok());
  Reopen();
  auto listed = store_->ListArchiveRules(arn);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0], second);
  EXPECT_EQ((*listed)[1], first);
  first.filter_json = "{}";
  first.updated_at = At(9);
  ASSERT_TRUE(store_->PutArchiveRule(first).ok());
  EXPECT_EQ(**store_->GetArchiveRule(arn, "a-rule"), first);
  ASSERT_TRUE(store_->DeleteArchiveRule(arn, "a-rule").ok());
  EXPECT_FALSE(store_->GetArchiveRule(arn, "a-rule")->has_value());
  EXPECT_EQ(store_->ListArchiveRules(arn)->size(), 1u);
}

// ModifyArchiveRules decides on the rules as stored: of several writers creating the same rule at
// once exactly one creates it; an absent analyzer gets no rule and no decision.
TEST_P(StoreTest, ModifyArchiveRulesDecidesOnTheStoredRules) {
  Analyzer analyzer = MakeAnalyzer("a", 1);
  bool called = false;
  auto create = [&](std::string name) {
    return [&called, name](
               const Analyzer&,
               const std::vector<ArchiveRuleRecord>& rules) -> std::optional<ArchiveRuleChanges> {
      called = true;
      for (const ArchiveRuleRecord& rule : rules) {
        if (rule.rule_name == name) return std::nullopt;  // exists: a conflict
      }
      return ArchiveRuleChanges{{ArchiveRuleRecord{"ignored", name, "{}", At(3), At(3)}}, {}};
    };
  };
  EXPECT_FALSE(*store_->ModifyArchiveRules(analyzer.arn, create("r")));
  EXPECT_FALSE(called) << "no decision for an absent analyzer";
  ASSERT_TRUE(store_->PutAnalyzer(analyzer).ok());
  analyzer.incarnation = StoredIncarnation(analyzer);
  ASSERT_TRUE(store_->PutArchiveRule({analyzer.arn, "old", "{}", At(2), At(2)}).ok());

  std::atomic<int> created = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      absl::StatusOr<bool> written = store_->ModifyArchiveRules(analyzer.arn, create("r"));
      if (written.ok() && *written) ++created;
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(created, 1);
  // A replacement and a deletion in one step.
  EXPECT_TRUE(*store_->ModifyArchiveRules(analyzer.arn, [&](const Analyzer& a,
                                                            const std::vector<ArchiveRuleRecord>&
                                                                rules) {
    EXPECT_EQ(a, analyzer);
    EXPECT_EQ(rules.size(), 2u);
    return ArchiveRuleChanges{{ArchiveRuleRecord{"", "r", "{\"x\":{}}", At(3), At(4)}}, {"old"}};
  }));
  Reopen();
  EXPECT_EQ(*store_->ListArchiveRules(analyzer.arn),
            (std::vector<ArchiveRuleRecord>{{analyzer.arn, "r", "{\"x\":{}}", At(3), At(4)}}));
}

TEST_P(StoreTest, FindingsUpsertAndDeleteAtomically) {
  std::string arn = "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/a";
  findings::FindingRecord one = MakeFinding("f1", "arn:aws:s3:::x");
  findings::FindingRecord two = MakeFinding("f2", "arn:aws:s3:::y");
  two.finding.error = "INTERNAL_ERROR";
  two.finding.principal.clear();
  two.finding.sources.clear();
  std::vector<findings::FindingRecord> records = {two, one};
  ASSERT_TRUE(store_->WriteFindings(arn, records, {}).ok());
  Reopen();
  auto listed = store_->ListFindings(arn);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  ExpectSameFinding((*listed)[0], one);
  ExpectSameFinding((*listed)[1], two);
  auto by_resource = store_->ListFindingsForResource(arn, "arn:aws:s3:::y");
  ASSERT_EQ(by_resource->size(), 1u);
  ExpectSameFinding(by_resource->front(), two);

  one.status = findings::FindingStatus::kArchived;
  one.updated_at = At(50);
  std::vector<findings::FindingRecord> update = {one};
  std::vector<std::string> deleted = {"f2"};
  ASSERT_TRUE(store_->WriteFindings(arn, update, deleted).ok());
  Reopen();
  listed = store_->ListFindings(arn);
  ASSERT_EQ(listed->size(), 1u);
  ExpectSameFinding(listed->front(), one);
  ExpectSameFinding(**store_->GetFinding(arn, "f1"), one);
  EXPECT_FALSE(store_->GetFinding(arn, "f2")->has_value());
  EXPECT_FALSE(store_->GetFinding(arn + "other", "f1")->has_value());
}

// GetListedFinding is ListedFindingOf the stored record, before and after it is rewritten; absent
// ids and other analyzers' findings give nullptr.
TEST_P(StoreTest, ListedFindingFollowsWrites) {
  const std::string arn = MakeAnalyzer("a", 0).arn;
  findings::FindingRecord record = MakeFinding("id-1", "arn:aws:s3:::a");
  ASSERT_TRUE(store_->WriteFindings(arn, std::vector<findings::FindingRecord>{record}, {}).ok());
  for (int round = 0; round < 2; ++round) {
    absl::StatusOr<std::shared_ptr<const ListedFinding>> listed =
        store_->GetListedFinding(arn, "id-1");
    ASSERT_TRUE(listed.ok()) << listed.status();
    ASSERT_NE(*listed, nullptr);
    EXPECT_EQ((*listed)->finding_json, findings::FindingObjectJson(record));
    ExpectSameFinding((*listed)->summary, findings::SummaryOf(record));
    record.status = findings::FindingStatus::kArchived;
    record.updated_at = At(9);
    record.finding.principal = {{"AWS", "*"}};
    ASSERT_TRUE(store_->WriteFindings(arn, std::vector<findings::FindingRecord>{record}, {}).ok());
  }
  EXPECT_EQ(*store_->GetListedFinding(arn, "id-2"), nullptr);
  EXPECT_EQ(*store_->GetListedFinding(MakeAnalyzer("b", 0).arn, "id-1"), nullptr);
  EXPECT_EQ(*store_->GetListedFinding(arn, ""), nullptr);
  ASSERT_TRUE(store_->WriteFindings(arn, {}, std::vector<std::string>{"id-1"}).ok());
  EXPECT_EQ(*store_->GetListedFinding(arn, "id-1"), nullptr);
}

TEST_P(StoreTest, OrganizationState) {
  ASSERT_TRUE(store_->PutServiceAccess({"access-analyzer.amazonaws.com", At(1)}).ok());
  ASSERT_TRUE(store_->PutServiceAccess({"access-analyzer.amazonaws.com", At(7)})
                  .ok());  // keeps the first date
  ASSERT_TRUE(store_->PutServiceAccess({"config.amazonaws.com", At(2)}).ok());
  ASSERT_TRUE(
      store_->PutDelegatedAdministrator({"234598760742", "access-analyzer.amazonaws.com", At(3)})
          .ok());
  ASSERT_TRUE(
      store_->PutDelegatedAdministrator({"111111111111", "config.amazonaws.com", At(4)}).ok());
  Reopen();
  auto access = store_->ListServiceAccess();
  ASSERT_EQ(access->size(), 2u);
  EXPECT_EQ((*access)[0], (ServiceAccess{"access-analyzer.amazonaws.com", At(1)}));
  auto admins = store_->ListDelegatedAdministrators();
  ASSERT_EQ(admins->size(), 2u);
  EXPECT_EQ((*admins)[0].account_id, "234598760742");
  ASSERT_TRUE(store_->DeleteServiceAccess("config.amazonaws.com").ok());
  ASSERT_TRUE(
      store_->DeleteDelegatedAdministrator("234598760742", "access-analyzer.amazonaws.com").ok());
  ASSERT_TRUE(
      store_->DeleteDelegatedAdministrator("234598760742", "access-analyzer.amazonaws.com").ok());
  EXPECT_EQ(store_->ListServiceAccess()->size(), 1u);
  EXPECT_EQ(store_->ListDelegatedAdministrators()->size(), 1u);
}

TEST_P(StoreTest, InventoryAndClientTokens) {
  std::vector<InventoryRecord> records = {
      {InventoryKind::kResource, "arn:aws:s3:::b", R"({"kind":"resource"})", At(1), "111122223333"},
      {InventoryKind::kResource, "arn:aws:s3:::a", R"({"kind":"resource","x":1})", At(1),
       "111122223333"},
      {InventoryKind::kAccount, "111122223333", R"({"kind":"account"})", At(1)}};
  ASSERT_TRUE(store_->PutInventory(records).ok());
  Reopen();
  auto resources = store_->ListInventory(InventoryKind::kResource);
  ASSERT_EQ(resources->size(), 2u);
  EXPECT_EQ((*resources)[0], records[1]);
  EXPECT_EQ(**store_->GetInventory(InventoryKind::kAccount, "", "111122223333"), records[2]);
  // Records are keyed by owner and key: another account's claim on the same ARN is a second record,
  // and neither replaces the other.
  InventoryRecord other{InventoryKind::kResource, "arn:aws:s3:::a", R"({"kind":"resource","y":2})",
                        At(2), "444455556666"};
  ASSERT_TRUE(store_->PutInventory({&other, 1}).ok());
  Reopen();
  resources = store_->ListInventory(InventoryKind::kResource);
  ASSERT_EQ(resources->size(), 3u);
  EXPECT_EQ((*resources)[0], records[1]);
  EXPECT_EQ((*resources)[1], other);
  EXPECT_EQ(**store_->GetInventory(InventoryKind::kResource, "111122223333", "arn:aws:s3:::a"),
            records[1]);
  EXPECT_FALSE(store_->GetInventory(InventoryKind::kResource, "999988887777", "arn:aws:s3:::a")
                   ->has_value());
  ASSERT_TRUE(
      store_->DeleteInventory(InventoryKind::kResource, "111122223333", "arn:aws:s3:::a").ok());
  EXPECT_EQ(store_->ListInventory(InventoryKind::kResource)->size(), 2u);
  EXPECT_EQ(**store_->GetInventory(InventoryKind::kResource, "444455556666", "arn:aws:s3:::a"),
            other);

  EXPECT_FALSE(store_->GetClientToken("111122223333/CreateAnalyzer/t")->has_value());
  ASSERT_TRUE(store_->PutClientToken("111122223333/CreateAnalyzer/t", "arn:x").ok());
  Reopen();
  EXPECT_EQ(**store_->GetClientToken("111122223333/CreateAnalyzer/t"), "arn:x");
}

TEST_P(StoreTest, AccessPreviews) {
  const std::string arn = MakeAnalyzer("a", 0).arn;
  const std::string other = MakeAnalyzer("b", 1).arn;
  ASSERT_TRUE(store_->PutAnalyzer(MakeAnalyzer("a", 0)).ok());
  ASSERT_TRUE(store_->PutAnalyzer(MakeAnalyzer("b", 1)).ok());
  AccessPreviewRecord second{arn, "p2", At(2), R"({"status":"CREATING"})", "[]"};
  AccessPreviewRecord first{arn, "p1", At(1), R"({"status":"COMPLETED"})", R"([{"x":1}])"};
  AccessPreviewRecord elsewhere{other, "p3", At(1), "{}", "[]"};
  for (const AccessPreviewRecord* record : {&second, &first, &elsewhere})
    ASSERT_TRUE(store_->PutAccessPreview(*record).ok());
  Reopen();
  EXPECT_EQ(**store_->GetAccessPreview(arn, "p1"), first);
  EXPECT_FALSE(store_->GetAccessPreview(other, "p1")->has_value());
  EXPECT_EQ(*store_->ListAccessPreviews(arn), (std::vector<AccessPreviewRecord>{first, second}));
  // Replaced by id (CREATING -> COMPLETED).
  second.preview_json = R"({"status":"COMPLETED"})";
  ASSERT_TRUE(store_->PutAccessPreview(second).ok());
  EXPECT_EQ(**store_->GetAccessPreview(arn, "p2"), second);
  // Deleted with their analyzer.
  ASSERT_TRUE(store_->DeleteAnalyzer(arn).ok());
  Reopen();
  EXPECT_TRUE(store_->ListAccessPreviews(arn)->empty());
  EXPECT_EQ(store_->ListAccessPreviews(other)->size(), 1u);
}

// A finding's recommendation is kept by (analyzer, finding id), replaced by a later one, and
// deleted with its analyzer.
TEST_P(StoreTest, FindingRecommendations) {
  const std::string arn = MakeAnalyzer("a", 0).arn;
  const std::string other = MakeAnalyzer("b", 1).arn;
  ASSERT_TRUE(store_->PutAnalyzer(MakeAnalyzer("a", 0)).ok());
  ASSERT_TRUE(store_->PutAnalyzer(MakeAnalyzer("b", 1)).ok());
  FindingRecommendationRecord running{arn, "f1", R"({"status":"IN_PROGRESS"})"};
  FindingRecommendationRecord elsewhere{other, "f1", R"({"status":"FAILED"})"};
  ASSERT_TRUE(store_->PutFindingRecommendation(running).ok());
  ASSERT_TRUE(store_->PutFindingRecommendation(elsewhere).ok());
  Reopen();
  EXPECT_EQ(**store_->GetFindingRecommendation(arn, "f1"), running);
  EXPECT_FALSE(store_->GetFindingRecommendation(arn, "f2")->has_value());
  FindingRecommendationRecord done{arn, "f1", R"({"status":"SUCCEEDED"})"};
  ASSERT_TRUE(store_->PutFindingRecommendation(done).ok());
  EXPECT_EQ(**store_->GetFindingRecommendation(arn, "f1"), done);
  ASSERT_TRUE(store_->DeleteAnalyzer(arn).ok());
  Reopen();
  EXPECT_FALSE(store_->GetFindingRecommendation(arn, "f1")->has_value());
  EXPECT_EQ(**store_->GetFindingRecommendation(other, "f1"), elsewhere);
}

// CountFindings groups by status, resource type, finding type, owner, error and isPublic, in that
// order (finding types by name), the same in every store: what GetFindingsStatistics reads for
// the three analyzer families.
TEST_P(StoreTest, CountFindingsGroupsByFindingTypeAndOwner) {
  const std::string arn = MakeAnalyzer("a", 0).arn;
  std::vector<findings::FindingRecord> records;
  auto add = [&](std::string id, findings::FindingType type, std::string owner,
                 findings::FindingStatus status) {
    findings::FindingRecord record = MakeFinding(id, "arn:aws:iam::" + owner + ":role/" + id);
    MakeFindingOfType(record, type);
    record.finding.resource_owner_account = owner;
    record.status = status;
    record.updated_at = At(static_cast<int>(records.size()) + 10);
    records.push_back(record);
  };
  using findings::FindingStatus;
  using findings::FindingType;
  add("u1", FindingType::kUnusedPermission, "222233334444", FindingStatus::kActive);
  add("u2", FindingType::kUnusedPermission, "111122223333", FindingStatus::kActive);
  add("u3", FindingType::kUnusedPermission, "111122223333", FindingStatus::kActive);
  add("u4", FindingType::kUnusedIamRole, "111122223333", FindingStatus::kActive);
  add("u5", FindingType::kUnusedIamRole, "111122223333", FindingStatus::kArchived);
  add("e1", FindingType::kExternalAccess, "111122223333", FindingStatus::kActive);
  ASSERT_TRUE(store_->WriteFindings(arn, records, {}).ok());
  Reopen();
  absl::StatusOr<FindingCounts> counts = store_->CountFindings(arn);
  ASSERT_TRUE(counts.ok()) << counts.status();
  std::vector<FindingGroupCount> expected = {
      {FindingStatus::kActive, "AWS::IAM::Role", FindingType::kUnusedIamRole, "111122223333", false,
       false, 1},
      {FindingStatus::kActive, "AWS::IAM::Role", FindingType::kUnusedPermission, "111122223333",
       false, false, 2},
      {FindingStatus::kActive, "AWS::IAM::Role", FindingType::kUnusedPermission, "222233334444",
       false, false, 1},
      {FindingStatus::kActive, "AWS::S3::Bucket", FindingType::kExternalAccess, "111122223333",
       false, true, 1},
      {FindingStatus::kArchived, "AWS::IAM::Role", FindingType::kUnusedIamRole, "111122223333",
       false, false, 1},
  };
  EXPECT_EQ(counts->groups, expected);
  EXPECT_EQ(counts->latest, At(15));
}

// ListFindingsPage walks every page exactly as findings::Paginate walks the sorted, filtered
// listing, for every sort and order (the sqlite store answers the column-backed sorts with keyset
// queries over its indexes, the others through the generic path). Timestamps with sub-millisecond
// parts and ties on the sort value check that the keyset key is the millisecond text the tokens
// carry, tie-broken by id.
TEST_P(StoreTest, FindingPagesFollowPaginate) {
  const std::string arn = MakeAnalyzer("a", 0).arn;
  std::vector<findings::FindingRecord> records;
  for (int i = 0; i < 57; ++i) {
    findings::FindingRecord record = MakeFinding(base::Concat("id-", 1000 + (i * 37) % 57),
                                                 base::Concat("arn:aws:s3:::b", i % 7));
    record.created_at = At(i % 5) + absl::Microseconds(i * 131 % 1000);
    record.analyzed_at = At(100 - i);
    record.updated_at = At(i % 3);
    record.status =
        i % 4 == 0 ? findings::FindingStatus::kArchived : findings::FindingStatus::kActive;
    record.finding.is_public = i % 2 == 0;
    if (i % 5 == 1) MakeFindingOfType(record, findings::FindingType::kUnusedPermission);
    if (i % 5 == 2) MakeFindingOfType(record, findings::FindingType::kUnusedIamRole);
    if (i % 5 == 3) MakeFindingOfType(record, findings::FindingType::kInternalAccess);
    records.push_back(record);
  }
  ASSERT_TRUE(store_->WriteFindings(arn, records, {}).ok());
  ASSERT_TRUE(store_
                  ->WriteFindings(
                      "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/other",
                      std::vector<findings::FindingRecord>{MakeFinding("id-x", "arn:aws:s3:::x")},
                      {})
                  .ok());
  findings::FindingFilter active(
      {findings::Criterion{"status", findings::FilterField::kStatus, "", {"ACTIVE"}, {}, {}, {}}});
  auto keep = [&](const findings::FindingRecord& record) { return active.Matches(record); };
  for (findings::SortAttribute attribute :
       {findings::SortAttribute::kId, findings::SortAttribute::kResource,
        findings::SortAttribute::kStatus, findings::SortAttribute::kCreatedAt,
        findings::SortAttribute::kAnalyzedAt, findings::SortAttribute::kUpdatedAt,
        findings::SortAttribute::kIsPublic, findings::SortAttribute::kResourceType,
        findings::SortAttribute::kFindingType}) {
    for (findings::SortOrder order :
         {findings::SortOrder::kAscending, findings::SortOrder::kDescending}) {
      findings::FindingSort sort{attribute, order};
      SCOPED_TRACE(base::Concat(findings::SortAttributeName(attribute),
                                order == findings::SortOrder::kAscending ? " ASC" : " DESC"));
      std::vector<findings::FindingRecord> expected;
      for (const findings::FindingRecord& record : records) {
        if (keep(record)) expected.push_back(record);
      }
      findings::SortFindings(expected, sort);
      std::vector<std::string> walked;
      std::optional<findings::PageToken> after;
      for (int page_number = 0; page_number < 100; ++page_number) {
        absl::StatusOr<FindingPage> page =
            store_->ListFindingsPage(arn, FindingPageQuery{sort, after, &active, 9});
        ASSERT_TRUE(page.ok()) << page.status();
        ASSERT_LE(page->entries.size(), 9u);
        for (const auto& entry : page->entries) walked.push_back(entry->summary.id());
        if (!page->more) break;
        const findings::FindingRecord& last = page->entries.back()->summary;
        after = findings::PageToken{sort, findings::SortValue(last, attribute), last.id()};
      }
      std::vector<std::string> expected_ids;
      for (const findings::FindingRecord& record : expected) expected_ids.push_back(record.id());
      EXPECT_EQ(walked, expected_ids);
    }
  }
}

// Differential: ListFindingsPage — for SQLite, statuses selected in SQL, per-status keyset streams
// merged over covering indexes, rows from its cache or read by rowid, the filter run on the summary
// columns and the stored finding decoded only for principal, condition and action — walks exactly
// the listing of findings::FindingFilter::Matches over the whole records, sorted by SortFindings,
// paged as the API pages. Random findings (ties at the millisecond, errors, empty resources,
// upserts and deletions, also between listings), random filters over every filter key and operator
// (values in other cases for the case-insensitive keys), every sort and order, random page sizes;
// every entry must be SummaryOf and FindingObjectJson of its record, and another analyzer's
// findings never show.
TEST_P(StoreTest, RandomListingsAgreeWithTheInMemoryFilter) {
  std::mt19937_64 random(20240501);
  auto pick = [&](const auto& values) { return values[random() % values.size()]; };
  auto chance = [&](int percent) { return static_cast<int>(random() % 100) < percent; };
  const std::vector<std::string> resources = {"arn:aws:s3:::alpha", "arn:aws:s3:::beta",
                                              "arn:aws:iam::111122223333:role/R",
                                              "arn:aws:kms:us-east-1:111122223333:key/k", ""};
  const std::vector<std::string> types = {"AWS::S3::Bucket", "AWS::IAM::Role", "AWS::KMS::Key",
                                          "AWS::Lambda::Function"};
  const std::vector<std::string> owners = {"111122223333", "444455556666"};
  const std::vector<std::string> errors = {"INTERNAL_ERROR", "ACCESS_DENIED"};
  const std::vector<std::map<std::string, std::string>> principals = {
      {{"AWS", "*"}},
      {{"AWS", "999988887777"}},
      {{"AWS", "arn:aws:iam::999988887777:role/Partner"}},
      {{"Federated", "cognito-identity.amazonaws.com"}},
      {}};
  const std::vector<std::map<std::string, std::string>> conditions = {
      {}, {{"aws:SourceVpc", "vpc-1"}}, {{"aws:PrincipalOrgID", "o-abc"}}};
  const std::vector<std::string> actions = {"kms:Decrypt", "s3:GetObject", "s3:ListBucket",
                                            "sts:AssumeRole"};
  const std::vector<findings::FindingStatus> statuses = {
      findings::FindingStatus::kActive, findings::FindingStatus::kActive,
      findings::FindingStatus::kArchived, findings::FindingStatus::kResolved};
  const std::vector<findings::FindingType> finding_types = {
      findings::FindingType::kInternalAccess, findings::FindingType::kUnusedIamRole,
      findings::FindingType::kUnusedIamUserAccessKey, findings::FindingType::kUnusedIamUserPassword,
      findings::FindingType::kUnusedPermission};

  auto make = [&](int i) {
    findings::FindingRecord record =
        MakeFinding(base::Concat("f-", 1000 + (i * 7919) % 997), pick(resources));
    record.finding.resource_type = pick(types);
    record.finding.resource_owner_account = pick(owners);
    record.finding.is_public = chance(40);
    record.finding.principal = pick(principals);
    record.finding.condition = pick(conditions);
    record.finding.actions.clear();
    for (const std::string& action : actions) {
      if (chance(40)) record.finding.actions.push_back(action);
    }
    if (chance(15)) record.finding.error = pick(errors);
    if (chance(40)) MakeFindingOfType(record, pick(finding_types));
    record.status = pick(statuses);
    // Ties at the millisecond and sub-millisecond parts.
    record.created_at = At(static_cast<int>(random() % 20)) +
                        absl::Microseconds(static_cast<int64_t>(random() % 3000));
    record.analyzed_at = At(static_cast<int>(random() % 5)) +
                         absl::Microseconds(static_cast<int64_t>(random() % 1500));
    record.updated_at = At(static_cast<int>(random() % 50)) +
                        absl::Milliseconds(static_cast<int64_t>(random() % 3));
    return record;
  };
  const std::string arn = MakeAnalyzer("a", 0).arn;
  std::map<std::string, findings::FindingRecord> current;
  std::vector<findings::FindingRecord> batch;
  for (int i = 0; i < 300; ++i) batch.push_back(make(i));
  ASSERT_TRUE(store_->WriteFindings(arn, batch, {}).ok());
  for (const findings::FindingRecord& record : batch) current[record.id()] = record;
  // Upserts that move findings between statuses, resources and times; deletions; new findings. Done
  // again halfway through the rounds, so that listings after a write follow it.
  int generation = 0;
  auto rewrite = [&] {
    ++generation;
    std::vector<findings::FindingRecord> changed;
    std::vector<std::string> deleted;
    for (int i = generation % 3; i < 300; i += 3) {
      findings::FindingRecord record = make(static_cast<int>(random() % 1000));
      record.finding.id = base::Concat("f-", 1000 + (i * 7919) % 997);
      changed.push_back(record);
      current[record.id()] = record;
    }
    for (int i = 1 + generation; i < 300; i += 29) {
      std::string id = base::Concat("f-", 1000 + (i * 7919) % 997);
      if (std::none_of(changed.begin(), changed.end(),
                       [&](const auto& r) { return r.id() == id; })) {
        deleted.push_back(id);
        current.erase(id);
      }
    }
    for (int i = 0; i < 5; ++i) {
      findings::FindingRecord record = make(i);
      record.finding.id = base::Concat("new-", generation, "-", i);
      changed.push_back(record);
      current[record.id()] = record;
    }
    return store_->WriteFindings(arn, changed, deleted);
  };
  ASSERT_TRUE(rewrite().ok());
  std::vector<findings::FindingRecord> others;
  for (int i = 0; i < 20; ++i) {
    others.push_back(make(i));
    others.back().finding.id = base::Concat("other-", i);
  }
  ASSERT_TRUE(store_->WriteFindings(MakeAnalyzer("b", 0).arn, others, {}).ok());
  Reopen();

  // The values each filter key sees on the findings, for eq/neq/contains operands.
  const std::vector<std::string> keys = {"id",
                                         "status",
                                         "resource",
                                         "resourceType",
                                         "resourceOwnerAccount",
                                         "isPublic",
                                         "error",
                                         "findingType",
                                         "resourceControlPolicyRestriction",
                                         "principal.AWS",
                                         "principal.Federated",
                                         "condition.aws:SourceVpc",
                                         "condition.aws:principalorgid",
                                         "action",
                                         "createdAt",
                                         "analyzedAt",
                                         "updatedAt"};
  auto values_of = [&](const std::string& key) {
    std::vector<std::string> out = {"nothing-matches"};
    for (const auto& [id, record] : current) {
      auto field = findings::ResolveFilterKey(key);
      switch (field->first) {
        case findings::FilterField::kId:
          out.push_back(id);
          break;
        case findings::FilterField::kStatus:
          out.push_back(std::string(findings::FindingStatusName(record.status)));
          break;
        case findings::FilterField::kResource:
          out.push_back(record.finding.resource);
          break;
        case findings::FilterField::kResourceType:
          out.push_back(record.finding.resource_type);
          break;
        case findings::FilterField::kResourceOwnerAccount:
          out.push_back(record.finding.resource_owner_account);
          break;
        case findings::FilterField::kIsPublic:
          out.push_back(record.finding.is_public ? "true" : "false");
          break;
        case findings::FilterField::kError:
          out.push_back(record.finding.error.value_or("INTERNAL_ERROR"));
          break;
        case findings::FilterField::kFindingType:
          out.push_back(std::string(findings::FindingTypeName(record.finding.type)));
          break;
        case findings::FilterField::kResourceControlPolicyRestriction:
          out.push_back("NOT_APPLICABLE");
          break;
        case findings::FilterField::kPrincipal:
          for (const auto& [type, value] : record.finding.principal) out.push_back(value);
          break;
        case findings::FilterField::kCondition:
          out.push_back(chance(50) ? "vpc-1" : "o-abc");
          break;
        case findings::FilterField::kAction:
          out.push_back(pick(actions));
          break;
        case findings::FilterField::kCreatedAt:
          out.push_back(findings::FormatTimestamp(record.created_at));
          break;
        case findings::FilterField::kAnalyzedAt:
          out.push_back(findings::FormatTimestamp(record.analyzed_at));
          break;
        case findings::FilterField::kUpdatedAt:
          out.push_back(findings::FormatTimestamp(record.updated_at));
          break;
      }
    }
    return out;
  };
  auto operand = [&](const std::vector<std::string>& pool, bool substring) {
    std::string value = pick(pool);
    if (substring && value.size() > 2) {
      size_t start = random() % (value.size() - 1);
      value = value.substr(start, 1 + random() % (value.size() - start));
    }
    if (chance(25)) {
      if (chance(50)) {
        value = base::AsciiLower(value);
      } else {
        for (char& c : value) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
      }
    }
    return value;
  };

  const std::string other_arn = MakeAnalyzer("b", 0).arn;
  for (int round = 0; round < 250; ++round) {
    if (round == 125) {
      ASSERT_TRUE(rewrite().ok());
    }
    std::vector<findings::Criterion> criteria;
    std::string described;
    for (int c = static_cast<int>(random() % 4); c > 0; --c) {
      findings::Criterion criterion;
      criterion.key = pick(keys);
      auto field = findings::ResolveFilterKey(criterion.key);
      criterion.field = field->first;
      criterion.subkey = field->second;
      std::vector<std::string> pool = values_of(criterion.key);
      do {
        switch (random() % 4) {
          case 0:
            for (int n = 1 + random() % 3; n > 0; --n) criterion.eq.push_back(operand(pool, false));
            break;
          case 1:
            for (int n = 1 + random() % 2; n > 0; --n)
              criterion.neq.push_back(operand(pool, false));
            break;
          case 2:
            criterion.contains.push_back(operand(pool, true));
            break;
          case 3:
            criterion.exists = chance(50);
            break;
        }
      } while (chance(20));
      described +=
          base::Concat(criterion.key, " eq[", criterion.eq.size() ? criterion.eq[0] : "", "] neq[",
                       criterion.neq.size() ? criterion.neq[0] : "", "] contains[",
                       criterion.contains.size() ? criterion.contains[0] : "", "] exists[",
                       criterion.exists ? (*criterion.exists ? "true" : "false") : "", "]; ");
      criteria.push_back(std::move(criterion));
    }
    findings::FindingFilter filter(std::move(criteria));
    findings::FindingSort sort{
        static_cast<findings::SortAttribute>(random() % 11),
        chance(50) ? findings::SortOrder::kAscending : findings::SortOrder::kDescending};
    size_t limit = 1 + random() % 40;
    SCOPED_TRACE(base::Concat("round ", round, ": ", described, " sort ",
                              findings::SortAttributeName(sort.attribute),
                              sort.order == findings::SortOrder::kAscending ? " ASC" : " DESC",
                              ", ", limit, " per page"));
    std::vector<findings::FindingRecord> expected;
    for (const auto& [id, record] : current) {
      if (filter.Matches(record)) expected.push_back(record);
    }
    findings::SortFindings(expected, sort);
    std::vector<std::string> expected_ids, walked;
    for (const findings::FindingRecord& record : expected) expected_ids.push_back(record.id());
    std::optional<findings::PageToken> after;
    for (int page_number = 0; page_number <= 400; ++page_number) {
      ASSERT_LT(page_number, 400) << "the walk does not end";
      absl::StatusOr<FindingPage> page = store_->ListFindingsPage(
          arn,
          FindingPageQuery{sort, after, chance(10) && filter.empty() ? nullptr : &filter, limit});
      ASSERT_TRUE(page.ok()) << page.status();
      ASSERT_LE(page->entries.size(), limit);
      ASSERT_TRUE(!page->more || !page->entries.empty());
      for (const auto& entry : page->entries) {
        walked.push_back(entry->summary.id());
        auto it = current.find(entry->summary.id());
        ASSERT_NE(it, current.end()) << entry->summary.id();
        findings::FindingRecord summary = findings::SummaryOf(it->second);
        ExpectSameFinding(entry->summary, summary);
        EXPECT_TRUE(entry->summary.finding.principal.empty() &&
                    entry->summary.finding.actions.empty());
        EXPECT_EQ(entry->finding_json, findings::FindingObjectJson(it->second));
      }
      if (!page->more) break;
      const findings::FindingRecord& last = page->entries.back()->summary;
      after = findings::PageToken{sort, findings::SortValue(last, sort.attribute), last.id()};
    }
    ASSERT_EQ(walked, expected_ids);
  }
}

// Every status change is one history entry with its time and cause, written by the change itself;
// unchanged statuses add none; the history keeps the last kStatusHistoryLimit entries, survives a
// reopen, and goes with the finding and with its analyzer.
TEST_P(StoreTest, StatusHistoryRecordsEachChangeWithItsCause) {
  Analyzer analyzer = MakeAnalyzer("a", 1);
  ASSERT_TRUE(store_->PutAnalyzer(analyzer).ok());
  using findings::FindingStatus;
  // (status written, time, cause, whether an entry is expected)
  struct Step {
    FindingStatus status;
    int at;
    StatusCause cause;
    bool recorded;
  };
  const StatusCause analysis{StatusChangeCause::kAnalysis, ""};
  const StatusCause by_hand{StatusChangeCause::kUpdateFindings,
                            "arn:aws:iam::111122223333:user/alice"};
  const StatusCause by_rule{StatusChangeCause::kArchiveRule, "public-ok"};
  const std::vector<Step> steps = {
      {FindingStatus::kActive, 10, analysis, true},    // created
      {FindingStatus::kActive, 11, analysis, false},   // analyzed again: no change
      {FindingStatus::kArchived, 12, by_hand, true},   // archived by hand
      {FindingStatus::kActive, 13, by_hand, true},     // unarchived
      {FindingStatus::kArchived, 14, by_rule, true},   // ApplyArchiveRule
      {FindingStatus::kResolved, 15, analysis, true},  // access gone
      {FindingStatus::kActive, 16, analysis, true},    // access back
  };
  findings::FindingRecord record = MakeFinding("f1", "arn:aws:s3:::x");
  record.created_at = At(10);
  std::vector<FindingStatusChange> expected;
  std::optional<FindingStatus> previous;
  for (const Step& step : steps) {
    record.status = step.status;
    if (step.recorded && previous) record.updated_at = At(step.at);
    FindingChanges changes{{record}, {}};
    // The cause by id wins over the change's default.
    changes.causes["f1"] = step.cause;
    changes.causes["other"] = by_rule;
    ASSERT_TRUE(*store_->ModifyFindings(
        analyzer.arn, FindingSelection{},
        [&](const FindingsSnapshot&) -> absl::StatusOr<std::optional<FindingChanges>> {
          return changes;
        }));
    if (step.recorded) {
      expected.push_back(
          FindingStatusChange{previous ? At(step.at) : At(10), previous, step.status, step.cause});
    }
    previous = step.status;
  }
  Reopen();
  EXPECT_EQ(*store_->GetFindingHistory(analyzer.arn, "f1"), expected);
  EXPECT_TRUE(store_->GetFindingHistory(analyzer.arn, "absent")->empty());
  EXPECT_TRUE(store_->GetFindingHistory(analyzer.arn + "x", "f1")->empty());

  // WriteFindings records with the default cause, the analysis.
  findings::FindingRecord other = MakeFinding("f2", "arn:aws:s3:::y");
  ASSERT_TRUE(store_->WriteFindings(analyzer.arn, std::vector{other}, {}).ok());
  EXPECT_EQ(*store_->GetFindingHistory(analyzer.arn, "f2"),
            (std::vector<FindingStatusChange>{
                {other.created_at, std::nullopt, FindingStatus::kActive, analysis}}));

  // Bounded: the last kStatusHistoryLimit entries are kept.
  for (int i = 0; i < static_cast<int>(kStatusHistoryLimit) + 5; ++i) {
    record.status = i % 2 == 0 ? FindingStatus::kArchived : FindingStatus::kActive;
    record.updated_at = At(100 + i);
    FindingChanges changes{{record}, {}, by_hand};
    ASSERT_TRUE(*store_->ModifyFindings(
        analyzer.arn, FindingSelection{},
        [&](const FindingsSnapshot&) -> absl::StatusOr<std::optional<FindingChanges>> {
          return changes;
        }));
  }
  std::vector<FindingStatusChange> bounded = *store_->GetFindingHistory(analyzer.arn, "f1");
  ASSERT_EQ(bounded.size(), kStatusHistoryLimit);
  EXPECT_EQ(bounded.back().at, At(100 + kStatusHistoryLimit + 4));
  EXPECT_EQ(bounded.front().at, At(100 + 5));

  // A deleted finding's history goes with it: the same id created again starts afresh.
  ASSERT_TRUE(store_->WriteFindings(analyzer.arn, {}, std::vector<std::string>{"f1"}).ok());
  EXPECT_TRUE(store_->GetFindingHistory(analyzer.arn, "f1")->empty());
  record.status = FindingStatus::kActive;
  ASSERT_TRUE(store_->WriteFindings(analyzer.arn, std::vector{record}, {}).ok());
  EXPECT_EQ(store_->GetFindingHistory(analyzer.arn, "f1")->size(), 1u);
  // And the analyzer's findings' histories with the analyzer.
  ASSERT_TRUE(store_->DeleteAnalyzer(analyzer.arn).ok());
  EXPECT_TRUE(store_->GetFindingHistory(analyzer.arn, "f1")->empty());
  EXPECT_TRUE(store_->GetFindingHistory(analyzer.arn, "f2")->empty());
}

// The dashboard's aggregates count what the findings hold, exactly, on every store (the default
// over ListFindings is the reference; the SQLite store's index queries must agree with it).
TEST_P(StoreTest, AggregatesCountActiveFindingsAndDays) {
  Analyzer analyzer = MakeAnalyzer("a", 1);
  ASSERT_TRUE(store_->PutAnalyzer(analyzer).ok());
  using findings::FindingStatus;
  constexpr int64_t kDay = 19844;  // 2024-05-01, the day of At(0)
  struct Row {
    std::string id, type, owner;
    bool is_public, error;
    FindingStatus status;
    int created_day, updated_day;
  };
  const std::vector<Row> rows = {
      {"a1", "AWS::S3::Bucket", "111122223333", true, false, FindingStatus::kActive, 0, 0},
      {"a2", "AWS::S3::Bucket", "111122223333", false, false, FindingStatus::kActive, 0, 1},
      {"a3", "AWS::IAM::Role", "444455556666", false, false, FindingStatus::kActive, 1, 1},
      {"a4", "AWS::KMS::Key", "444455556666", false, true, FindingStatus::kActive, 2, 2},
      {"a5", "AWS::KMS::Key", "444455556666", true, true, FindingStatus::kActive, 2, 2},
      {"r1", "AWS::S3::Bucket", "111122223333", true, false, FindingStatus::kResolved, 0, 2},
      {"r2", "AWS::IAM::Role", "777788889999", true, false, FindingStatus::kResolved, 1, 3},
      {"x1", "AWS::SQS::Queue", "777788889999", true, false, FindingStatus::kArchived, 3, 3},
  };
  std::vector<findings::FindingRecord> records;
  for (const Row& row : rows) {
    findings::FindingRecord record = MakeFinding(row.id, "arn:aws:s3:::" + row.id);
    record.finding.resource_type = row.type;
    record.finding.resource_owner_account = row.owner;
    record.finding.is_public = row.is_public;
    if (row.error) record.finding.error = "ACCESS_DENIED";
    record.status = row.status;
    record.created_at = At(row.created_day * 86400 + 5);
    record.analyzed_at = record.created_at;
    record.updated_at = At(row.updated_day * 86400 + 7);
    records.push_back(record);
  }
  ASSERT_TRUE(store_->WriteFindings(analyzer.arn, records, {}).ok());
  absl::StatusOr<FindingAggregates> aggregates = store_->AggregateFindings(analyzer.arn);
  ASSERT_TRUE(aggregates.ok()) << aggregates.status();
  FindingAggregates expected;
  expected.active_by_resource_type = {
      {"AWS::IAM::Role", 1}, {"AWS::KMS::Key", 2}, {"AWS::S3::Bucket", 2}};
  expected.active_by_account = {{"111122223333", 2}, {"444455556666", 3}};
  expected.active_public = 1;
  expected.active_external = 2;
  expected.active_errors = 2;
  expected.by_day = {{kDay, 3, 0}, {kDay + 1, 2, 0}, {kDay + 2, 2, 1}, {kDay + 3, 1, 1}};
  EXPECT_EQ(*aggregates, expected);
  EXPECT_EQ(DayOf(At(0)), kDay);
  EXPECT_EQ(*store_->Store::AggregateFindings(analyzer.arn), expected)
      << "the store's queries agree with the reference over ListFindings";
  EXPECT_EQ(*store_->AggregateFindings(analyzer.arn + "x"), FindingAggregates{});
}

INSTANTIATE_TEST_SUITE_P(
    Stores, StoreTest,
    testing::Values(StoreFactory{"Memory",
                                 [](const std::string&) { return std::make_unique<MemoryStore>(); },
                                 false},
                    StoreFactory{"Sqlite",
                                 [](const std::string& dir) -> std::unique_ptr<Store> {
                                   auto store = SqliteStore::Open(dir + "/perimeter.db");
                                   if (!store.ok()) return nullptr;
                                   return std::move(store).value();
                                 },
                                 true}),
    [](const testing::TestParamInfo<StoreFactory>& info) { return info.param.name; });

}  // namespace
}  // namespace perimeter::store
