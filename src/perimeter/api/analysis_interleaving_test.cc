// Property: whatever API writes happen while the background analysis runs, the final state is what
// the API acknowledged. The analysis runs over a store that calls a hook before each of its store
// calls; the hook performs seeded random API operations (tags, finding status, archive rules,
// delete and re-create of the analyzer) and records in a model what each acknowledged.
// Deterministic: one thread, seeded randomness, a bounded number of steps. Runs on the memory and
// the SQLite store.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "perimeter/api/access_analyzer_service.h"
#include "perimeter/api/rest_routes.h"
#include "perimeter/aws/sigv4/sigv4.h"
#include "perimeter/base/text.h"
#include "perimeter/findings/finding_record.h"
#include "perimeter/json/document.h"
#include "perimeter/service/continuous_analysis.h"
#include "perimeter/store/memory/memory_store.h"
#include "perimeter/store/sqlite/sqlite_store.h"
#include "tests/testing/rest_request.h"

namespace perimeter::api {
namespace {

constexpr char kAccount[] = "444455556666";
constexpr char kOutsider[] = "999988887777";
constexpr char kRegion[] = "us-east-1";
constexpr char kName[] = "account";
// CreateAnalyzer's body for kName.
constexpr char kCreateBody[] = R"({"analyzerName":"account","type":"ACCOUNT"})";
constexpr base::UnixMillis kStart = 1714564800000;

// Three buckets of kAccount, each shared with kOutsider: three findings per scan, always the same.
class BucketCatalog : public service::ResourceCatalog {
 public:
  BucketCatalog() {
    for (int i = 0; i < 3; ++i) {
      resources_.push_back(service::ResourceSummary{base::Concat("arn:aws:s3:::bucket-", i),
                                                    "AWS::S3::Bucket", kAccount, kRegion});
    }
  }
  std::vector<service::ResourceSummary> Resources() const override { return resources_; }
  std::optional<service::ResourceSummary> Find(std::string_view arn) const override {
    for (const service::ResourceSummary& resource : resources_) {
      if (resource.arn == arn) return resource;
    }
    return std::nullopt;
  }
  std::vector<findings::Finding> Analyze(std::string_view arn,
                                         const reasoning::ZoneOfTrust&) const override {
    findings::Finding finding;
    finding.resource = std::string(arn);
    finding.resource_type = "AWS::S3::Bucket";
    finding.resource_owner_account = kAccount;
    finding.principal = {{"AWS", kOutsider}};
    finding.actions = {"s3:GetObject"};
    return {finding};
  }

 private:
  std::vector<service::ResourceSummary> resources_;
};

// Forwards every call to `inner`, calling `hook` first: the points where the analysis could be
// interrupted by another writer.
class HookedStore final : public store::Store {
 public:
  HookedStore(store::Store& inner, std::function<void()> hook)
      : inner_(inner), hook_(std::move(hook)) {}

  absl::Status PutAnalyzer(const store::Analyzer& a) override {
    return (hook_(), inner_.PutAnalyzer(a));
  }
  absl::StatusOr<std::optional<store::Analyzer>> GetAnalyzer(std::string_view arn) override {
    return (hook_(), inner_.GetAnalyzer(arn));
  }
  absl::StatusOr<std::vector<store::Analyzer>> ListAnalyzers() override {
    return (hook_(), inner_.ListAnalyzers());
  }
  absl::Status DeleteAnalyzer(std::string_view arn) override {
    return (hook_(), inner_.DeleteAnalyzer(arn));
  }
  absl::StatusOr<bool> ModifyAnalyzer(std::string_view arn,
                                      const store::AnalyzerDecision& decide) override {
    return (hook_(), inner_.ModifyAnalyzer(arn, decide));
  }
  absl::Status PutArchiveRule(const store::ArchiveRuleRecord& rule) override {
    return (hook_(), inner_.PutArchiveRule(rule));
  }
  absl::StatusOr<std::optional<store::ArchiveRuleRecord>> GetArchiveRule(
      std::string_view analyzer_arn, std::string_view rule_name) override {
    return (hook_(), inner_.GetArchiveRule(analyzer_arn, rule_name));
  }
  absl::StatusOr<std::vector<store::ArchiveRuleRecord>> ListArchiveRules(
      std::string_view analyzer_arn) override {
    return (hook_(), inner_.ListArchiveRules(analyzer_arn));
  }
  absl::Status DeleteArchiveRule(std::string_view analyzer_arn,
                                 std::string_view rule_name) override {
    return (hook_(), inner_.DeleteArchiveRule(analyzer_arn, rule_name));
  }
  absl::StatusOr<bool> ModifyArchiveRules(std::string_view analyzer_arn,
                                          const store::ArchiveRulesDecision& decide) override {
    return (hook_(), inner_.ModifyArchiveRules(analyzer_arn, decide));
  }
  absl::Status WriteFindings(std::string_view analyzer_arn,
                             std::span<const findings::FindingRecord> records,
                             std::span<const std::string> deleted_ids) override {
    return (hook_(), inner_.WriteFindings(analyzer_arn, records, deleted_ids));
  }
  absl::StatusOr<bool> ModifyFindings(std::string_view analyzer_arn,
                                      const store::FindingSelection& selection,
                                      const store::FindingsDecision& decide) override {
    return (hook_(), inner_.ModifyFindings(analyzer_arn, selection, decide));
  }
  absl::StatusOr<std::optional<findings::FindingRecord>> GetFinding(std::string_view analyzer_arn,
                                                                    std::string_view id) override {
    return (hook_(), inner_.GetFinding(analyzer_arn, id));
  }
  absl::StatusOr<std::vector<findings::FindingRecord>> ListFindings(
      std::string_view analyzer_arn) override {
    return (hook_(), inner_.ListFindings(analyzer_arn));
  }
  absl::StatusOr<std::vector<findings::FindingRecord>> ListFindingsForResource(
      std::string_view analyzer_arn, std::string_view resource_arn) override {
    return (hook_(), inner_.ListFindingsForResource(analyzer_arn, resource_arn));
  }
  absl::Status PutServiceAccess(const store::ServiceAccess& access) override {
    return (hook_(), inner_.PutServiceAccess(access));
  }
  absl::Status DeleteServiceAccess(std::string_view principal) override {
    return (hook_(), inner_.DeleteServiceAccess(principal));
  }
  absl::StatusOr<std::vector<store::ServiceAccess>> ListServiceAccess() override {
    return (hook_(), inner_.ListServiceAccess());
  }
  absl::Status PutDelegatedAdministrator(
      const store::DelegatedAdministrator& administrator) override {
    return (hook_(), inner_.PutDelegatedAdministrator(administrator));
  }
  absl::Status DeleteDelegatedAdministrator(std::string_view account,
                                            std::string_view principal) override {
    return (hook_(), inner_.DeleteDelegatedAdministrator(account, principal));
  }
  absl::StatusOr<std::vector<store::DelegatedAdministrator>> ListDelegatedAdministrators()
      override {
    return (hook_(), inner_.ListDelegatedAdministrators());
  }
  absl::Status PutInventory(std::span<const store::InventoryRecord> records) override {
    return (hook_(), inner_.PutInventory(records));
  }
  absl::Status DeleteInventory(store::InventoryKind kind, std::string_view owner,
                               std::string_view key) override {
    return (hook_(), inner_.DeleteInventory(kind, owner, key));
  }
  absl::StatusOr<std::vector<store::InventoryRecord>> ListInventory(
      store::InventoryKind kind) override {
    return (hook_(), inner_.ListInventory(kind));
  }
  absl::StatusOr<std::optional<store::InventoryRecord>> GetInventory(
      store::InventoryKind kind, std::string_view owner, std::string_view key) override {
    return (hook_(), inner_.GetInventory(kind, owner, key));
  }
  absl::StatusOr<std::optional<std::string>> GetClientToken(std::string_view scope) override {
    return (hook_(), inner_.GetClientToken(scope));
  }
  absl::Status PutClientToken(std::string_view scope, std::string_view result) override {
    return (hook_(), inner_.PutClientToken(scope, result));
  }

 private:
  store::Store& inner_;
  std::function<void()> hook_;
};

// What the API acknowledged.
struct Model {
  bool present = false;
  std::map<std::string, std::string> tags;
  std::set<std::string> rules;
  std::map<std::string, std::string> statuses;  // finding id -> status set by UpdateFindings
};

struct StoreKind {
  std::string name;
  bool sqlite = false;
  friend void PrintTo(const StoreKind& kind, std::ostream* out) { *out << kind.name; }
};

class InterleavingTest : public testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    if (GetParam().sqlite) {
      // One directory, removed by TearDown: the test's name ("Test/Sqlite") holds a '/'.
      std::string name = testing::UnitTest::GetInstance()->current_test_info()->name();
      std::replace(name.begin(), name.end(), '/', '-');
      dir_ = std::filesystem::temp_directory_path() /
             base::Concat("perimeter-interleaving-", getpid(), "-", name);
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
      absl::StatusOr<std::unique_ptr<store::SqliteStore>> opened =
          store::SqliteStore::Open((dir_ / "db").string());
      ASSERT_TRUE(opened.ok()) << opened.status();
      store_ = std::move(*opened);
    } else {
      store_ = std::make_unique<store::MemoryStore>();
    }
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

Caller Me() {
  return Caller{kAccount, base::Concat("arn:aws:iam::", kAccount, ":user/admin"), kRegion};
}

TEST_P(InterleavingTest, FinalStateIsTheAcknowledgedWrites) {
  base::FakeClock clock(kStart);
  auto environment = std::make_shared<service::Environment>();
  environment->accounts = {{kAccount, "Dev", {}, ""}};
  std::shared_ptr<const service::Environment> env = environment;
  std::shared_ptr<const service::ResourceCatalog> catalog = std::make_shared<BucketCatalog>();
  AccessAnalyzerService service(
      *store_, [&] { return env; }, [&] { return catalog; }, clock, [](service::ScanJob) {});
  const std::string arn =
      base::Concat("arn:aws:access-analyzer:", kRegion, ":", kAccount, ":analyzer/", kName);

  auto call = [&](std::string_view method, std::string_view target, std::string_view body = "") {
    clock.Advance(1000);  // a re-created analyzer is a new one (its createdAt differs)
    std::optional<RestRequest> request =
        perimeter_testing::RoutedRequest(method, target, std::string(body));
    if (!request) return 0;
    return service.Handle(Me(), *request).status;
  };

  std::map<std::string, int>
      acknowledged;  // by operation, over every seed: the property is not vacuous
  for (uint32_t seed = 1; seed <= 16; ++seed) {
    SCOPED_TRACE(base::Concat("seed ", seed));
    std::mt19937 random(seed);
    Model model;
    ASSERT_TRUE(store_->DeleteAnalyzer(arn).ok());
    ASSERT_EQ(call("PUT", "/analyzer", kCreateBody), 200);
    model.present = true;

    std::vector<std::string> ids;  // the ids the analysis gives (stable), learnt from a quiet scan
    std::function<void()> hook = [] {};
    HookedStore hooked(*store_, [&] { hook(); });
    service::ContinuousAnalysis analysis(
        hooked, [&] { return env; }, [&] { return catalog; }, clock, absl::Hours(24 * 90));
    ASSERT_TRUE(analysis.ScanAnalyzer(arn).ok());
    absl::StatusOr<std::vector<findings::FindingRecord>> seeded = store_->ListFindings(arn);
    ASSERT_TRUE(seeded.ok());
    ASSERT_EQ(seeded->size(), 3u);
    for (const findings::FindingRecord& record : *seeded) ids.push_back(record.id());

    auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(random); };
    const std::string tags_path = base::Concat("/tags/", aws::sigv4::UriEncode(arn, false));
    hook = [&] {
      if (pick(3) != 0) return;  // one store call in three is interrupted
      // A deleted analyzer is soon created again (else most writes would find no analyzer).
      int operation = !model.present && pick(2) == 0 ? 8 : static_cast<int>(pick(9));
      switch (operation) {
        case 0: {
          std::string key = base::Concat("k", pick(3)), value = base::Concat("v", pick(100));
          int status =
              call("POST", tags_path,
                   base::Concat(R"({"tags":{)", json::Quote(key), ":", json::Quote(value), "}}"));
          if (status == 200) model.tags[key] = value, ++acknowledged["TagResource"];
          EXPECT_EQ(status, model.present ? 200 : 404);
          break;
        }
        case 1: {
          std::string key = base::Concat("k", pick(3));
          int status = call("DELETE", base::Concat(tags_path, "?tagKeys=", key));
          if (status == 200) model.tags.erase(key), ++acknowledged["UntagResource"];
          EXPECT_EQ(status, model.present ? 200 : 404);
          break;
        }
        case 2:
        case 3: {
          const std::string& id = ids[pick(ids.size())];
          std::string wanted = pick(2) == 0 ? "ARCHIVED" : "ACTIVE";
          int status =
              call("PUT", "/finding",
                   base::Concat(R"({"analyzerArn":)", json::Quote(arn), R"(,"status":)",
                                json::Quote(wanted), R"(,"ids":[)", json::Quote(id), "]}"));
          // A finding not analyzed yet since the analyzer was (re)created is not found.
          if (status == 200) model.statuses[id] = wanted, ++acknowledged["UpdateFindings"];
          EXPECT_TRUE(status == 200 || status == 404) << status;
          break;
        }
        case 4: {
          // Matches none of the buckets: statuses stay what UpdateFindings made them.
          std::string rule = base::Concat("r", pick(3));
          int status =
              call("PUT", base::Concat("/analyzer/", kName, "/archive-rule"),
                   base::Concat(R"({"ruleName":)", json::Quote(rule),
                                R"(,"filter":{"resourceType":{"eq":["AWS::SNS::Topic"]}}})"));
          if (status == 200) model.rules.insert(rule), ++acknowledged["CreateArchiveRule"];
          break;
        }
        case 5:
        case 6: {
          // Mostly a rule that exists.
          std::string rule = base::Concat("r", pick(3));
          if (!model.rules.empty() && pick(4) != 0)
            rule = *std::next(model.rules.begin(), pick(model.rules.size()));
          int status = call("DELETE", base::Concat("/analyzer/", kName, "/archive-rule/", rule));
          if (status == 200) model.rules.erase(rule), ++acknowledged["DeleteArchiveRule"];

          break;
        }
        case 7: {
          int status = call("DELETE", base::Concat("/analyzer/", kName));
          if (status == 200) model = Model{}, ++acknowledged["DeleteAnalyzer"];
          break;
        }
        case 8: {
          int status = call("PUT", "/analyzer", kCreateBody);
          if (status == 200) model = Model{true, {}, {}, {}}, ++acknowledged["CreateAnalyzer"];
          break;
        }
      }
    };

    auto check = [&](std::string_view when) {
      SCOPED_TRACE(when);
      absl::StatusOr<std::optional<store::Analyzer>> analyzer = store_->GetAnalyzer(arn);
      ASSERT_TRUE(analyzer.ok());
      ASSERT_EQ(analyzer->has_value(), model.present)
          << "an analyzer deleted during a scan came back";
      absl::StatusOr<std::vector<findings::FindingRecord>> stored = store_->ListFindings(arn);
      ASSERT_TRUE(stored.ok());
      absl::StatusOr<std::vector<store::ArchiveRuleRecord>> rules = store_->ListArchiveRules(arn);
      ASSERT_TRUE(rules.ok());
      if (!model.present) {
        EXPECT_TRUE(stored->empty()) << "a deleted analyzer's scan wrote findings";
        EXPECT_TRUE(rules->empty());
        return;
      }
      EXPECT_EQ((*analyzer)->tags, model.tags);
      std::set<std::string> rule_names;
      for (const store::ArchiveRuleRecord& rule : *rules) rule_names.insert(rule.rule_name);
      EXPECT_EQ(rule_names, model.rules);
      for (const findings::FindingRecord& record : *stored) {
        auto it = model.statuses.find(record.id());
        std::string expected = it == model.statuses.end() ? "ACTIVE" : it->second;
        EXPECT_EQ(findings::FindingStatusName(record.status), expected) << record.id();
      }
      for (const auto& [id, status] : model.statuses) {
        EXPECT_TRUE(
            std::any_of(stored->begin(), stored->end(),
                        [&](const findings::FindingRecord& record) { return record.id() == id; }))
            << "finding " << id << " was updated, then lost";
      }
    };

    for (int round = 0; round < 15; ++round) {
      clock.Advance(60000);
      ASSERT_TRUE(analysis.ScanAnalyzer(arn).ok());
      check(base::Concat("round ", round));
    }
    hook = [] {};
    if (!model.present) {
      ASSERT_EQ(call("PUT", "/analyzer", kCreateBody), 200);
      model = Model{true, {}, {}, {}};
    }
    ASSERT_TRUE(analysis.ScanAnalyzer(arn).ok());
    check("after a quiet scan");
    absl::StatusOr<std::vector<findings::FindingRecord>> final_findings = store_->ListFindings(arn);
    ASSERT_TRUE(final_findings.ok());
    EXPECT_EQ(final_findings->size(), 3u) << "the analysis still finds every bucket's access";
  }
  for (const char* operation :
       {"TagResource", "UntagResource", "UpdateFindings", "CreateArchiveRule", "DeleteArchiveRule",
        "DeleteAnalyzer", "CreateAnalyzer"}) {
    EXPECT_GE(acknowledged[operation], 10) << operation << " was hardly interleaved";
  }
}

// An analyzer that stops analyzing during a scan (DISABLED, or deleted and created again under the
// same name) gets nothing more from that scan: no findings, no lastResourceAnalyzed.
TEST_P(InterleavingTest, AScanStopsWhenItsAnalyzerChanges) {
  base::FakeClock clock(kStart);
  auto environment = std::make_shared<service::Environment>();
  environment->accounts = {{kAccount, "Dev", {}, ""}};
  std::shared_ptr<const service::Environment> env = environment;
  std::shared_ptr<const service::ResourceCatalog> catalog = std::make_shared<BucketCatalog>();
  const std::string arn =
      base::Concat("arn:aws:access-analyzer:", kRegion, ":", kAccount, ":analyzer/", kName);
  struct Change {
    std::string label;
    std::function<void(store::Analyzer&)> apply;
  };
  for (const Change& change :
       {Change{"disabled",
               [](store::Analyzer& a) {
                 a.status = store::AnalyzerStatus::kDisabled;
                 a.status_reason = store::StatusReasonCode::kOrganizationDeleted;
               }},
        Change{"re-created", [](store::Analyzer& a) { a.created_at += absl::Seconds(1); }}}) {
    SCOPED_TRACE(change.label);
    ASSERT_TRUE(store_->DeleteAnalyzer(arn).ok());
    store::Analyzer analyzer;
    analyzer.arn = arn;
    analyzer.account_id = kAccount;
    analyzer.region = kRegion;
    analyzer.name = kName;
    analyzer.created_at = absl::FromUnixMillis(kStart);
    ASSERT_TRUE(store_->PutAnalyzer(analyzer).ok());
    int modify_calls = 0;
    HookedStore hooked(*store_, [&] {
      // Before the second resource's transaction: the first resource is analyzed, the rest must not
      // be.
      if (++modify_calls != 4) return;
      ASSERT_TRUE(store_
                      ->ModifyAnalyzer(arn,
                                       [&](store::Analyzer& a) {
                                         change.apply(a);
                                         return true;
                                       })
                      .ok());
    });
    service::ContinuousAnalysis analysis(
        hooked, [&] { return env; }, [&] { return catalog; }, clock, absl::Hours(24 * 90));
    ASSERT_TRUE(analysis.ScanAnalyzer(arn).ok());
    absl::StatusOr<std::vector<findings::FindingRecord>> stored = store_->ListFindings(arn);
    ASSERT_TRUE(stored.ok());
    ASSERT_EQ(stored->size(), 1u) << "only the resource analyzed before the change";
    EXPECT_EQ(stored->front().finding.resource, "arn:aws:s3:::bucket-0");
    EXPECT_EQ((*store_->GetAnalyzer(arn))->last_resource_analyzed, "")
        << "the stopped scan records nothing";
  }
}

// An analyzer deleted and created again under the same ARN within the same clock instant (same
// createdAt, same type, same status): the running scan tells them apart by the store's incarnation
// and writes nothing into the new analyzer (issue #13, item 1).
TEST_P(InterleavingTest, AScanStopsWhenItsAnalyzerIsCreatedAgainInTheSameInstant) {
  base::FakeClock clock(kStart);  // never advanced: both lives share one createdAt
  auto environment = std::make_shared<service::Environment>();
  environment->accounts = {{kAccount, "Dev", {}, ""}};
  std::shared_ptr<const service::Environment> env = environment;
  std::shared_ptr<const service::ResourceCatalog> catalog = std::make_shared<BucketCatalog>();
  const std::string arn =
      base::Concat("arn:aws:access-analyzer:", kRegion, ":", kAccount, ":analyzer/", kName);
  store::Analyzer analyzer;
  analyzer.arn = arn;
  analyzer.account_id = kAccount;
  analyzer.region = kRegion;
  analyzer.name = kName;
  analyzer.created_at = absl::FromUnixMillis(kStart);
  ASSERT_TRUE(store_->PutAnalyzer(analyzer).ok());
  const int64_t first = (*store_->GetAnalyzer(arn))->incarnation;
  int calls = 0;
  HookedStore hooked(*store_, [&] {
    // Before the second resource's transaction, as in AScanStopsWhenItsAnalyzerChanges.
    if (++calls != 4) return;
    ASSERT_TRUE(store_->DeleteAnalyzer(arn).ok());
    ASSERT_TRUE(store_->PutAnalyzer(analyzer).ok());
  });
  service::ContinuousAnalysis analysis(
      hooked, [&] { return env; }, [&] { return catalog; }, clock, absl::Hours(24 * 90));
  ASSERT_TRUE(analysis.ScanAnalyzer(arn).ok());
  EXPECT_EQ(calls, 4) << "the scan stops at its first step after the change";
  absl::StatusOr<std::optional<store::Analyzer>> now = store_->GetAnalyzer(arn);
  ASSERT_TRUE(now.ok());
  ASSERT_TRUE(now->has_value());
  EXPECT_NE((*now)->incarnation, first);
  EXPECT_EQ((*now)->created_at, analyzer.created_at);
  absl::StatusOr<std::vector<findings::FindingRecord>> stored = store_->ListFindings(arn);
  ASSERT_TRUE(stored.ok());
  EXPECT_TRUE(stored->empty()) << "the old scan wrote findings into the new analyzer";
  EXPECT_EQ((*now)->last_resource_analyzed, "") << "the old scan recorded its progress";
}

INSTANTIATE_TEST_SUITE_P(Stores, InterleavingTest,
                         testing::Values(StoreKind{"Memory", false}, StoreKind{"Sqlite", true}),
                         [](const testing::TestParamInfo<StoreKind>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace perimeter::api
