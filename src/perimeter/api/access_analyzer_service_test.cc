// The Access Analyzer and Organizations services over the memory store, driven through the same
// routing as the server (rest_routes.h): analyzer name rules and quotas, clientToken idempotency,
// archive rules, UpdateFindings, AWS's error shapes and the organization-driven analyzer status.
#include "perimeter/api/access_analyzer_service.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "perimeter/api/organizations_service.h"
#include "perimeter/api/rest_routes.h"
#include "perimeter/base/text.h"
#include "perimeter/findings/finding_record.h"
#include "perimeter/json/document.h"
#include "perimeter/json/writer.h"
#include "perimeter/store/memory/memory_store.h"
#include "tests/testing/empty_catalog.h"
#include "tests/testing/json_values.h"
#include "tests/testing/rest_request.h"

namespace perimeter::api {
namespace {

using perimeter_testing::CanonicalJson;
using perimeter_testing::JsonAt;
using perimeter_testing::JsonText;

constexpr char kMgmt[] = "111122223333";
constexpr char kSecurity[] = "234598760742";
constexpr char kDev[] = "444455556666";
constexpr char kOutsider[] = "999988887777";
constexpr char kRegion[] = "us-east-1";
constexpr base::UnixMillis kStart = 1714564800000;  // 2024-05-01T12:00:00Z

// `format` with each "$n" (n < 10) replaced by args[n]: a JSON request body with values in it.
std::string Fill(std::string_view format, std::initializer_list<std::string_view> args) {
  std::string out;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] == '$' && i + 1 < format.size() && format[i + 1] >= '0' &&
        format[i + 1] - '0' < static_cast<int>(args.size())) {
      out.append(args.begin()[format[i + 1] - '0']);
      ++i;
    } else {
      out.push_back(format[i]);
    }
  }
  return out;
}

// The id SeedFindings gives its n-th finding (n < 10).
std::string Id(int n) { return base::Concat("00000000-0000-4000-8000-00000000000", n); }

using perimeter_testing::EmptyCatalog;

struct Reply {
  int status = 0;
  std::string error_type;  // x-amzn-ErrorType
  std::string text;        // the body as sent
  json::Document body = perimeter_testing::ParseJson("null");

  // The value at `path` (a JSON Pointer: "/fieldList/0/name"), if any.
  std::optional<json::Value> Get(std::string_view path) const { return JsonAt(body.root(), path); }
  // The value at `path` as text (perimeter_testing::JsonText): a string's text, other values as
  // canonical JSON, "<missing>" when absent.
  std::string At(std::string_view path) const { return JsonText(Get(path)); }
  bool Has(std::string_view path) const { return Get(path).has_value(); }
  // The number of elements or members at `path`; 0 when absent.
  size_t Size(std::string_view path) const {
    std::optional<json::Value> value = Get(path);
    return value.has_value() ? value->size() : 0;
  }
};

// The two services wired as the server wires them (organization changes refresh analyzer statuses).
class ServiceTest : public testing::Test {
 protected:
  ServiceTest() : clock_(kStart) {
    auto environment = std::make_shared<service::Environment>();
    environment->organization = service::OrganizationInfo{"o-test", kMgmt};
    environment->accounts = {{kMgmt, "Mgmt", {}, "o-test/r-1/"},
                             {kSecurity, "Security", {}, "o-test/r-1/ou-sec/"},
                             {kDev, "Dev", {}, "o-test/r-1/ou-dev/"},
                             {kOutsider, "Outsider", {}, ""}};
    environment_ = environment;
    catalog_ = std::make_shared<EmptyCatalog>();
    access_analyzer_ = std::make_unique<AccessAnalyzerService>(
        store_, [this] { return environment_; }, [this] { return catalog_; }, clock_,
        [this](service::ScanJob job) { jobs_.push_back(std::move(job)); });
    organizations_ = std::make_unique<OrganizationsService>(
        store_, [this] { return environment_; }, clock_,
        [this] { ASSERT_TRUE(access_analyzer_->RefreshOrganizationAnalyzers().ok()); });
  }

  static Caller As(std::string_view account, std::string_view region = kRegion) {
    return Caller{std::string(account), base::Concat("arn:aws:iam::", account, ":user/admin"),
                  std::string(region)};
  }

  static Reply ToReply(const ApiResponse& response) {
    Reply reply;
    reply.status = response.status;
    reply.error_type = perimeter_testing::ErrorType(response);
    reply.text = response.body;
    reply.body = perimeter_testing::ParseJson(response.body);
    return reply;
  }

  // `target` is the raw path and query, as a client sends it.
  Reply Call(const Caller& caller, std::string_view method, std::string_view target,
             std::string_view body = "") {
    std::optional<RestRequest> request =
        perimeter_testing::RoutedRequest(method, target, std::string(body));
    if (!request) return Reply{};
    return ToReply(access_analyzer_->Handle(caller, *request));
  }

  Reply Organizations(std::string_view account, std::string_view operation,
                      std::string_view body = "{}") {
    return ToReply(organizations_->Handle(As(account), operation, body));
  }

  Reply CreateAnalyzer(std::string_view account, std::string_view name,
                       std::string_view type = "ACCOUNT", std::string_view region = kRegion) {
    return Call(As(account, region), "PUT", "/analyzer",
                Fill(R"({"analyzerName": "$0", "type": "$1"})", {name, type}));
  }

  std::string Arn(std::string_view account, std::string_view name) {
    return base::Concat("arn:aws:access-analyzer:", kRegion, ":", account, ":analyzer/", name);
  }

  void EnableOrganization(std::string_view administrator) {
    ASSERT_EQ(
        Organizations(kMgmt, "EnableAWSServiceAccess",
                      Fill(R"({"ServicePrincipal": "$0"})", {service::kAccessAnalyzerPrincipal}))
            .status,
        200);
    ASSERT_EQ(Organizations(kMgmt, "RegisterDelegatedAdministrator",
                            Fill(R"({"AccountId": "$0", "ServicePrincipal": "$1"})",
                                 {administrator, service::kAccessAnalyzerPrincipal}))
                  .status,
              200);
  }

  // Stores findings for `analyzer_arn`: one per (resource, type, status).
  void SeedFindings(
      const std::string& analyzer_arn,
      const std::vector<std::tuple<std::string, std::string, findings::FindingStatus>>& specs) {
    std::vector<findings::FindingRecord> records;
    int n = 0;
    for (const auto& [resource, type, status] : specs) {
      findings::FindingRecord record;
      record.finding.id =
          base::Concat("00000000-0000-4000-8000-", std::string(12 - std::to_string(n).size(), '0'),
                       std::to_string(n));
      ++n;
      record.finding.resource = resource;
      record.finding.resource_type = type;
      record.finding.resource_owner_account = kDev;
      record.finding.principal = {{"AWS", kOutsider}};
      record.finding.actions = {"s3:GetObject"};
      record.status = status;
      record.created_at = record.analyzed_at = record.updated_at = absl::FromUnixMillis(kStart);
      records.push_back(std::move(record));
    }
    ASSERT_TRUE(store_.WriteFindings(analyzer_arn, records, {}).ok());
  }

  std::string FindingStatus(const std::string& analyzer_arn, const std::string& id) {
    absl::StatusOr<std::optional<findings::FindingRecord>> record =
        store_.GetFinding(analyzer_arn, id);
    if (!record.ok() || !record->has_value()) return "MISSING";
    return std::string(findings::FindingStatusName((*record)->status));
  }

  base::FakeClock clock_;
  store::MemoryStore store_;
  std::shared_ptr<const service::Environment> environment_;
  std::shared_ptr<const service::ResourceCatalog> catalog_;
  std::vector<service::ScanJob> jobs_;
  std::unique_ptr<AccessAnalyzerService> access_analyzer_;
  std::unique_ptr<OrganizationsService> organizations_;
};

// --- Analyzer names (model: [A-Za-z][A-Za-z0-9_.-]*, 1..255; AWS also accepts a leading '_').

struct NameCase {
  std::string name;
  int status;
};

class AnalyzerNameTest : public ServiceTest, public testing::WithParamInterface<NameCase> {};

TEST_P(AnalyzerNameTest, FollowsTheModelPattern) {
  Reply reply = CreateAnalyzer(kDev, GetParam().name);
  EXPECT_EQ(reply.status, GetParam().status) << reply.text;
  if (GetParam().status == 400) {
    EXPECT_EQ(reply.error_type, "ValidationException");
    EXPECT_EQ(reply.At("/reason"), "fieldValidationFailed");
    ASSERT_TRUE(reply.Get("/fieldList").has_value() && reply.Get("/fieldList")->is_array());
    EXPECT_EQ(reply.At("/fieldList/0/name"), "analyzerName");
  } else {
    EXPECT_EQ(reply.At("/arn"), Arn(kDev, GetParam().name));
  }
}

INSTANTIATE_TEST_SUITE_P(Names, AnalyzerNameTest,
                         testing::Values(NameCase{"a", 200}, NameCase{"Account-analyzer_1.x", 200},
                                         NameCase{"_leading_underscore", 200},
                                         NameCase{std::string(255, 'n'), 200},
                                         NameCase{std::string(256, 'n'), 400},
                                         NameCase{"1starts-with-digit", 400},
                                         NameCase{"has space", 400}, NameCase{"slash/in", 400},
                                         NameCase{"", 400}, NameCase{"-dash", 400}));

// --- Quotas and conflicts.

struct QuotaCase {
  std::string label;
  // Each step: account, name, type, region, expected status, expected x-amzn-ErrorType ("" on
  // success).
  std::vector<std::tuple<std::string, std::string, std::string, std::string, int, std::string>>
      steps;
};

class AnalyzerQuotaTest : public ServiceTest, public testing::WithParamInterface<QuotaCase> {};

TEST_P(AnalyzerQuotaTest, AnswersAwsErrors) {
  EnableOrganization(kSecurity);
  for (const auto& [account, name, type, region, status, error] : GetParam().steps) {
    Reply reply = CreateAnalyzer(account, name, type, region);
    EXPECT_EQ(reply.status, status) << name << ": " << reply.text;
    EXPECT_EQ(reply.error_type, error) << name;
    if (status == 402 || status == 409) {
      EXPECT_EQ(reply.At("/resourceType"), "AWS::AccessAnalyzer::Analyzer") << name;
      EXPECT_EQ(reply.At("/resourceId"), name) << name;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Quotas, AnalyzerQuotaTest,
    testing::Values(
        QuotaCase{"OneAccountAnalyzerPerRegion",
                  {{kDev, "a1", "ACCOUNT", kRegion, 200, ""},
                   {kDev, "a2", "ACCOUNT", kRegion, 402, "ServiceQuotaExceededException"},
                   {kDev, "a3", "ACCOUNT", "eu-west-1", 200, ""},
                   {kDev, "u1", "ACCOUNT_UNUSED_ACCESS", kRegion, 200, ""},
                   {kSecurity, "a1", "ACCOUNT", kRegion, 200, ""}}},
        QuotaCase{"SameNameConflicts",
                  {{kDev, "a1", "ACCOUNT", kRegion, 200, ""},
                   {kDev, "a1", "ACCOUNT_UNUSED_ACCESS", kRegion, 409, "ConflictException"}}},
        QuotaCase{"FiveOrganizationAnalyzersPerOrganization",
                  {{kSecurity, "o1", "ORGANIZATION", kRegion, 200, ""},
                   {kSecurity, "o2", "ORGANIZATION", kRegion, 200, ""},
                   {kMgmt, "o3", "ORGANIZATION", kRegion, 200, ""},
                   {kMgmt, "o4", "ORGANIZATION", kRegion, 200, ""},
                   {kSecurity, "o5", "ORGANIZATION", kRegion, 200, ""},
                   {kMgmt, "o6", "ORGANIZATION", kRegion, 402, "ServiceQuotaExceededException"},
                   {kMgmt, "o6", "ORGANIZATION", "eu-west-1", 200, ""}}},
        QuotaCase{"OrganizationAnalyzerOnlyByAdministrators",
                  {{kDev, "o1", "ORGANIZATION", kRegion, 403, "AccessDeniedException"},
                   {kOutsider, "o1", "ORGANIZATION", kRegion, 400, "ValidationException"},
                   {kOutsider, "a1", "ACCOUNT", kRegion, 200, ""}}}),
    [](const testing::TestParamInfo<QuotaCase>& info) { return info.param.label; });

TEST_F(ServiceTest, OrganizationAnalyzerNeedsTrustedAccess) {
  Reply reply = CreateAnalyzer(kMgmt, "org", "ORGANIZATION");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error_type, "ValidationException");
  EXPECT_EQ(reply.At("/message"), "Service not enabled for AWS Organizations");
}

// --- clientToken idempotency.

TEST_F(ServiceTest, CreateAnalyzerRetryWithTokenAnswersTheSameArn) {
  std::string body = R"({"analyzerName": "a1", "type": "ACCOUNT", "clientToken": "token-1"})";
  Reply first = Call(As(kDev), "PUT", "/analyzer", body);
  Reply retry = Call(As(kDev), "PUT", "/analyzer", body);
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(retry.status, 200) << retry.text;
  EXPECT_EQ(retry.At("/arn"), first.At("/arn"));
  EXPECT_EQ(jobs_.size(), 1u) << "a retry schedules no second scan";
  // Member order does not make a different request.
  Reply reordered = Call(As(kDev), "PUT", "/analyzer",
                         R"({"clientToken": "token-1", "type": "ACCOUNT", "analyzerName": "a1"})");
  EXPECT_EQ(reordered.status, 200);
}

TEST_F(ServiceTest, CreateAnalyzerTokenReusedWithAnotherRequestConflicts) {
  ASSERT_EQ(Call(As(kDev), "PUT", "/analyzer",
                 R"({"analyzerName": "a1", "type": "ACCOUNT", "clientToken": "t"})")
                .status,
            200);
  Reply reuse =
      Call(As(kDev), "PUT", "/analyzer",
           R"({"analyzerName": "a2", "type": "ACCOUNT_UNUSED_ACCESS", "clientToken": "t"})");
  EXPECT_EQ(reuse.status, 409);
  EXPECT_EQ(reuse.error_type, "ConflictException");
  EXPECT_TRUE(reuse.Has("/resourceId") && reuse.Has("/resourceType")) << reuse.text;
  EXPECT_EQ(Call(As(kDev), "GET", "/analyzer/a2").status, 404) << "nothing was created";
  // Tokens are per account: another account may use the same one.
  EXPECT_EQ(Call(As(kSecurity), "PUT", "/analyzer",
                 R"({"analyzerName": "a2", "type": "ACCOUNT", "clientToken": "t"})")
                .status,
            200);
}

TEST_F(ServiceTest, DeleteAnalyzerRetryWithTokenSucceedsAfterDeletion) {
  ASSERT_EQ(CreateAnalyzer(kDev, "a1").status, 200);
  EXPECT_EQ(Call(As(kDev), "DELETE", "/analyzer/a1?clientToken=d1").status, 200);
  EXPECT_EQ(Call(As(kDev), "DELETE", "/analyzer/a1?clientToken=d1").status, 200);
  EXPECT_EQ(Call(As(kDev), "DELETE", "/analyzer/a1?clientToken=d2").status, 404);
  ASSERT_EQ(CreateAnalyzer(kDev, "b1").status, 200);
  EXPECT_EQ(Call(As(kDev), "DELETE", "/analyzer/b1?clientToken=d1").status, 409)
      << "d1 deleted a1, not b1";
}

TEST_F(ServiceTest, UpdateFindingsTokenReusedWithAnotherStatusConflicts) {
  ASSERT_EQ(CreateAnalyzer(kDev, "a1").status, 200);
  std::string arn = Arn(kDev, "a1");
  SeedFindings(arn, {{"arn:aws:s3:::b0", "AWS::S3::Bucket", findings::FindingStatus::kActive}});
  std::string archive =
      Fill(R"({"analyzerArn": "$0", "ids": ["$1"], "status": "ARCHIVED", "clientToken": "u1"})",
           {arn, Id(0)});
  EXPECT_EQ(Call(As(kDev), "PUT", "/finding", archive).status, 200);
  EXPECT_EQ(Call(As(kDev), "PUT", "/finding", archive).status, 200);
  std::string activate =
      Fill(R"({"analyzerArn": "$0", "ids": ["$1"], "status": "ACTIVE", "clientToken": "u1"})",
           {arn, Id(0)});
  Reply reuse = Call(As(kDev), "PUT", "/finding", activate);
  EXPECT_EQ(reuse.status, 409);
  EXPECT_EQ(reuse.error_type, "ConflictException");
  EXPECT_EQ(FindingStatus(arn, Id(0)), "ARCHIVED");
}

// --- Archive rules.

TEST_F(ServiceTest, ArchiveRuleCrud) {
  ASSERT_EQ(CreateAnalyzer(kDev, "a1").status, 200);
  std::string filter = R"({"resourceType": {"eq": ["AWS::S3::Bucket"]}})";
  EXPECT_EQ(Call(As(kDev), "PUT", "/analyzer/a1/archive-rule",
                 Fill(R"({"ruleName": "buckets", "filter": $0})", {filter}))
                .status,
            200);
  Reply duplicate = Call(As(kDev), "PUT", "/analyzer/a1/archive-rule",
                         Fill(R"({"ruleName": "buckets", "filter": $0})", {filter}));
  EXPECT_EQ(duplicate.status, 409);
  EXPECT_EQ(duplicate.At("/resourceType"), "AWS::AccessAnalyzer::ArchiveRule");

  Reply got = Call(As(kDev), "GET", "/analyzer/a1/archive-rule/buckets");
  ASSERT_EQ(got.status, 200) << got.text;
  EXPECT_EQ(got.At("/archiveRule/ruleName"), "buckets");
  EXPECT_EQ(got.At("/archiveRule/filter"), CanonicalJson(filter));
  EXPECT_EQ(got.At("/archiveRule/createdAt"), "2024-05-01T12:00:00.000Z");

  clock_.Advance(60000);
  std::string public_only = R"({"isPublic": {"eq": ["true"]}})";
  EXPECT_EQ(Call(As(kDev), "PUT", "/analyzer/a1/archive-rule/buckets",
                 Fill(R"({"filter": $0})", {public_only}))
                .status,
            200);
  got = Call(As(kDev), "GET", "/analyzer/a1/archive-rule/buckets");
  EXPECT_EQ(got.At("/archiveRule/filter"), CanonicalJson(public_only));
  EXPECT_EQ(got.At("/archiveRule/createdAt"), "2024-05-01T12:00:00.000Z");
  EXPECT_EQ(got.At("/archiveRule/updatedAt"), "2024-05-01T12:01:00.000Z");
  EXPECT_EQ(Call(As(kDev), "PUT", "/analyzer/a1/archive-rule/absent",
                 Fill(R"({"filter": $0})", {public_only}))
                .status,
            404);

  EXPECT_EQ(Call(As(kDev), "PUT", "/analyzer/a1/archive-rule",
                 Fill(R"({"ruleName": "second", "filter": $0})", {filter}))
                .status,
            200);
  Reply listed = Call(As(kDev), "GET", "/analyzer/a1/archive-rule?maxResults=1");
  ASSERT_EQ(listed.Size("/archiveRules"), 1u);
  EXPECT_EQ(listed.At("/archiveRules/0/ruleName"), "buckets");
  std::string token = listed.At("/nextToken");
  listed = Call(As(kDev), "GET",
                base::Concat("/analyzer/a1/archive-rule?maxResults=1&nextToken=", token));
  EXPECT_EQ(listed.At("/archiveRules/0/ruleName"), "second");
  EXPECT_FALSE(listed.Has("/nextToken"));

  EXPECT_EQ(Call(As(kDev), "DELETE", "/analyzer/a1/archive-rule/second").status, 200);
  Reply gone = Call(As(kDev), "GET", "/analyzer/a1/archive-rule/second");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.error_type, "ResourceNotFoundException");
  EXPECT_EQ(Call(As(kDev), "DELETE", "/analyzer/a1/archive-rule/second").status, 404);
  EXPECT_EQ(Call(As(kSecurity), "GET", "/analyzer/a1/archive-rule/buckets").status, 404)
      << "another account";
}

struct RuleCase {
  std::string label;
  std::string body;
  int status;
  std::string field;  // the fieldList name of a ValidationException
};

// maxResults is a 32-bit Integer in the model: a number outside it, or below 1, is a
// ValidationException (not clamped); so is a nextToken this server did not issue. In the query
// (ListAnalyzers) and the body (ListFindings, ListFindingsV2).
TEST_F(ServiceTest, PaginationParametersAreValidated) {
  ASSERT_EQ(CreateAnalyzer(kDev, "a1").status, 200);
  std::string arn = Arn(kDev, "a1");
  for (std::string query :
       {"maxResults=0", "maxResults=-1", "maxResults=2147483648", "maxResults=99999999999999999999",
        "maxResults=1x", "nextToken=zz", "nextToken=-1"}) {
    Reply reply = Call(As(kDev), "GET", "/analyzer?" + query);
    EXPECT_EQ(reply.status, 400) << query;
    EXPECT_EQ(reply.error_type, "ValidationException") << query;
  }
  EXPECT_EQ(Call(As(kDev), "GET", "/analyzer?maxResults=2147483647").status, 200);
  for (const char* path : {"/finding", "/findingv2"}) {
    for (std::string extra : {R"("maxResults": 0)", R"("maxResults": 2147483648)",
                              R"("maxResults": 99999999999999999999.0)", R"("nextToken": "zz")"}) {
      std::string body = Fill(R"({"analyzerArn": "$0", $1})", {arn, extra});
      Reply reply = Call(As(kDev), "POST", path, body);
      EXPECT_EQ(reply.status, 400) << path << " " << extra;
      EXPECT_EQ(reply.error_type, "ValidationException") << path << " " << extra;
    }
  }
}

class ArchiveRuleValidationTest : public ServiceTest,
                                  public testing::WithParamInterface<RuleCase> {};

TEST_P(ArchiveRuleValidationTest, RejectsBadRules) {
  ASSERT_EQ(CreateAnalyzer(kDev, "a1").status, 200);
  Reply reply = Call(As(kDev), "PUT", "/analyzer/a1/archive-rule", GetParam().body);
  EXPECT_EQ(reply.status, GetParam().status) << reply.text;
  if (!GetParam().field.empty()) {
    EXPECT_EQ(reply.error_type, "ValidationException");
    ASSERT_TRUE(reply.Get("/fieldList").has_value() && reply.Get("/fieldList")->is_array())
        << reply.text;
    EXPECT_EQ(reply.At("/fieldList/0/name"), GetParam().field);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rules, ArchiveRuleValidationTest,
    testing::Values(
        RuleCase{"Valid", R"({"ruleName": "r.1-x_y", "filter": {"isPublic": {"eq": ["true"]}}})",
                 200, ""},
        RuleCase{"StatusIsNotAnArchiveRuleKey",
                 R"({"ruleName": "r", "filter": {"status": {"eq": ["ACTIVE"]}}})", 400, "filter"},
        RuleCase{"NameStartsWithUnderscore",
                 R"({"ruleName": "_r", "filter": {"status": {"eq": ["ACTIVE"]}}})", 400,
                 "ruleName"},
        RuleCase{"NameMissing", R"({"filter": {"status": {"eq": ["ACTIVE"]}}})", 400, "ruleName"},
        RuleCase{"FilterMissing", R"({"ruleName": "r"})", 400, "filter"},
        RuleCase{"FilterNotAnObject", R"({"ruleName": "r", "filter": "status"})", 400, "filter"},
        RuleCase{"UnknownOperator", R"({"ruleName": "r", "filter": {"status": {"like": ["A"]}}})",
                 400, "filter"}),
    [](const testing::TestParamInfo<RuleCase>& info) { return info.param.label; });

TEST_F(ServiceTest, ArchiveRuleQuotaIsOneHundred) {
  ASSERT_EQ(CreateAnalyzer(kDev, "a1").status, 200);
  std::string filter = R"({"isPublic": {"eq": ["true"]}})";
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(Call(As(kDev), "PUT", "/analyzer/a1/archive-rule",
                   Fill(R"({"ruleName": "$0", "filter": $1})", {base::Concat("r", i), filter}))
                  .status,
              200);
  }
  Reply over = Call(As(kDev), "PUT", "/analyzer/a1/archive-rule",
                    Fill(R"({"ruleName": "r100", "filter": $0})", {filter}));
  EXPECT_EQ(over.status, 402);
  EXPECT_EQ(over.error_type, "ServiceQuotaExceededException");
}

TEST_F(ServiceTest, ApplyArchiveRuleArchivesMatchingActiveFindingsRetroactively) {
  ASSERT_EQ(CreateAnalyzer(kDev, "a1").status, 200);
  std::string arn = Arn(kDev, "a1");
  SeedFindings(arn, {{"arn:aws:s3:::b0", "AWS::S3::Bucket", findings::FindingStatus::kActive},
                     {"arn:aws:s3:::b1", "AWS::S3::Bucket", findings::FindingStatus::kResolved},
                     {"arn:aws:sqs:us-east-1:444455556666:q", "AWS::SQS::Queue",
                      findings::FindingStatus::kActive}});
  std::string filter = R"({"resourceType": {"eq": ["AWS::S3::Bucket"]}})";
  ASSERT_EQ(Call(As(kDev), "PUT", "/analyzer/a1/archive-rule",
                 Fill(R"({"ruleName": "buckets", "filter": $0})", {filter}))
                .status,
            200);
  EXPECT_EQ(FindingStatus(arn, Id(0)), "ACTIVE") << "a new rule archives only new findings";
  Reply applied = Call(As(kDev), "PUT", "/archive-rule",
                       Fill(R"({"analyzerArn": "$0", "ruleName": "buckets"})", {arn}));
  EXPECT_EQ(applied.status, 200) << applied.text;
  EXPECT_EQ(FindingStatus(arn, Id(0)), "ARCHIVED");
  EXPECT_EQ(FindingStatus(arn, Id(1)), "RESOLVED");
  EXPECT_EQ(FindingStatus(arn, Id(2)), "ACTIVE");
  EXPECT_EQ(Call(As(kDev), "PUT", "/archive-rule",
                 Fill(R"({"analyzerArn": "$0", "ruleName": "absent"})", {arn}))
                .status,
            404);
  EXPECT_EQ(Call(As(kDev), "PUT", "/archive-rule",
                 R"({"analyzerArn": "not-an-arn", "ruleName": "buckets"})")
                .status,
            400);
}

// Each status change names its cause in the finding's status history (docs/console.md): the
// caller of UpdateFindings, the rule of ApplyArchiveRule; a request that changes nothing adds none.
TEST_F(ServiceTest, StatusHistoryNamesWhoOrWhichRuleChangedTheStatus) {
  ASSERT_EQ(CreateAnalyzer(kDev, "a1").status, 200);
  std::string arn = Arn(kDev, "a1");
  SeedFindings(arn, {{"arn:aws:s3:::b0", "AWS::S3::Bucket", findings::FindingStatus::kActive}});
  auto update = [&](std::string_view status) {
    return Call(As(kDev), "PUT", "/finding",
                Fill(R"({"analyzerArn": "$0", "ids": ["$1"], "status": "$2"})",
                     {arn, Id(0), status}))
        .status;
  };
  clock_.Advance(1000);
  ASSERT_EQ(update("ARCHIVED"), 200);
  ASSERT_EQ(update("ARCHIVED"), 200);  // already archived: no entry
  clock_.Advance(1000);
  ASSERT_EQ(update("ACTIVE"), 200);
  ASSERT_EQ(
      Call(As(kDev), "PUT", "/analyzer/a1/archive-rule",
           R"({"ruleName": "buckets", "filter": {"resourceType": {"eq": ["AWS::S3::Bucket"]}}})")
          .status,
      200);
  clock_.Advance(1000);
  ASSERT_EQ(Call(As(kDev), "PUT", "/archive-rule",
                 Fill(R"({"analyzerArn": "$0", "ruleName": "buckets"})", {arn}))
                .status,
            200);
  const store::StatusCause by_hand{store::StatusChangeCause::kUpdateFindings,
                                   As(kDev).principal_arn};
  using findings::FindingStatus;
  const absl::Time start = absl::FromUnixMillis(kStart);
  std::vector<store::FindingStatusChange> expected = {
      {start, std::nullopt, FindingStatus::kActive, store::StatusCause{}},
      {start + absl::Seconds(1), FindingStatus::kActive, FindingStatus::kArchived, by_hand},
      {start + absl::Seconds(2), FindingStatus::kArchived, FindingStatus::kActive, by_hand},
      {start + absl::Seconds(3), FindingStatus::kActive, FindingStatus::kArchived,
       store::StatusCause{store::StatusChangeCause::kArchiveRule, "buckets"}},
  };
  EXPECT_EQ(*store_.GetFindingHistory(arn, Id(0)), expected);
}

// --- UpdateFindings.

struct UpdateCase {
  std::string label;
  std::string members;  // the members besides analyzerArn
  int status;
  std::string error;
  std::vector<std::string> expected;  // statuses of findings 0..2 afterwards
};

class UpdateFindingsTest : public ServiceTest, public testing::WithParamInterface<UpdateCase> {};

TEST_P(UpdateFindingsTest, FollowsTheRules) {
  ASSERT_EQ(CreateAnalyzer(kDev, "a1").status, 200);
  std::string arn = Arn(kDev, "a1");
  SeedFindings(arn, {{"arn:aws:s3:::b0", "AWS::S3::Bucket", findings::FindingStatus::kActive},
                     {"arn:aws:s3:::b0", "AWS::S3::Bucket", findings::FindingStatus::kResolved},
                     {"arn:aws:s3:::b2", "AWS::S3::Bucket", findings::FindingStatus::kArchived}});
  std::string body = Fill(R"({"analyzerArn": "$0", $1})", {arn, GetParam().members});
  Reply reply = Call(As(kDev), "PUT", "/finding", body);
  EXPECT_EQ(reply.status, GetParam().status) << reply.text;
  EXPECT_EQ(reply.error_type, GetParam().error);
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(FindingStatus(arn, Id(i)), GetParam().expected[i]) << "finding " << i;
}

INSTANTIATE_TEST_SUITE_P(
    Updates, UpdateFindingsTest,
    testing::Values(
        UpdateCase{"ArchiveById",
                   Fill(R"("ids": ["$0"], "status": "ARCHIVED")", {Id(0)}),
                   200,
                   "",
                   {"ARCHIVED", "RESOLVED", "ARCHIVED"}},
        UpdateCase{"UnarchiveById",
                   Fill(R"("ids": ["$0"], "status": "ACTIVE")", {Id(2)}),
                   200,
                   "",
                   {"ACTIVE", "RESOLVED", "ACTIVE"}},
        UpdateCase{"ByResourceSkipsResolved",
                   R"("resourceArn": "arn:aws:s3:::b0", "status": "ARCHIVED")",
                   200,
                   "",
                   {"ARCHIVED", "RESOLVED", "ARCHIVED"}},
        UpdateCase{"ResolvedCannotBeChanged",
                   Fill(R"("ids": ["$0"], "status": "ACTIVE")", {Id(1)}),
                   400,
                   "ValidationException",
                   {"ACTIVE", "RESOLVED", "ARCHIVED"}},
        UpdateCase{"StatusResolvedIsNotAllowed",
                   Fill(R"("ids": ["$0"], "status": "RESOLVED")", {Id(0)}),
                   400,
                   "ValidationException",
                   {"ACTIVE", "RESOLVED", "ARCHIVED"}},
        UpdateCase{"NeitherIdsNorResource",
                   R"("status": "ARCHIVED")",
                   400,
                   "ValidationException",
                   {"ACTIVE", "RESOLVED", "ARCHIVED"}},
        UpdateCase{"BothIdsAndResource",
                   Fill(R"("ids": ["$0"], "resourceArn": "arn:aws:s3:::b0", "status": "ARCHIVED")",
                        {Id(0)}),
                   400,
                   "ValidationException",
                   {"ACTIVE", "RESOLVED", "ARCHIVED"}},
        UpdateCase{
            "UnknownIdChangesNothing",
            Fill(R"("ids": ["$0", "00000000-0000-4000-8000-999999999999"], "status": "ARCHIVED")",
                 {Id(0)}),
            404,
            "ResourceNotFoundException",
            {"ACTIVE", "RESOLVED", "ARCHIVED"}}),
    [](const testing::TestParamInfo<UpdateCase>& info) { return info.param.label; });

// --- Error shapes.

TEST_F(ServiceTest, ValidationExceptionCarriesReasonAndFieldList) {
  Reply reply = Call(As(kDev), "PUT", "/analyzer", R"({"type": "NOT_A_TYPE"})");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error_type, "ValidationException");
  EXPECT_EQ(reply.At("/reason"), "fieldValidationFailed");
  ASSERT_EQ(reply.Size("/fieldList"), 2u) << reply.text;
  std::set<std::string> names;
  for (json::Value field : reply.Get("/fieldList")->children()) {
    names.insert(JsonText(JsonAt(field, "/name")));
    std::optional<json::Value> message = JsonAt(field, "/message");
    EXPECT_TRUE(message.has_value() && message->is_string());
  }
  EXPECT_EQ(names, (std::set<std::string>{"analyzerName", "type"}));
  EXPECT_TRUE(reply.At("/message").starts_with("2 validation errors detected"))
      << reply.At("/message");
}

TEST_F(ServiceTest, UnparsableBodyIsAValidationException) {
  std::optional<RouteMatch> match = MatchRestRoute("PUT", "/analyzer");
  ASSERT_TRUE(match);
  Reply reply = ToReply(
      access_analyzer_->Handle(As(kDev), RestRequest{match->operation, {}, {}, "{not json"}));
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error_type, "ValidationException");
  EXPECT_EQ(reply.At("/reason"), "cannotParse");
}

TEST_F(ServiceTest, AnotherAccountsAnalyzerIsNotFound) {
  ASSERT_EQ(CreateAnalyzer(kDev, "a1").status, 200);
  Reply reply = Call(As(kSecurity), "GET", "/analyzer/a1");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.error_type, "ResourceNotFoundException");
  EXPECT_EQ(reply.At("/resourceId"), "a1");
  EXPECT_EQ(reply.At("/resourceType"), "AWS::AccessAnalyzer::Analyzer");
  Reply by_arn =
      Call(As(kSecurity), "POST", "/finding", Fill(R"({"analyzerArn": "$0"})", {Arn(kDev, "a1")}));
  EXPECT_EQ(by_arn.status, 404);
  EXPECT_EQ(Call(As(kDev, "eu-west-1"), "GET", "/analyzer/a1").status, 404) << "another region";
}

TEST_F(ServiceTest, UnimplementedOperationSaysNotSupported) {
  Reply reply = Call(As(kDev), "GET", "/policy/generation");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.At("/reason"), "notSupported");
}

// --- Organizations: who may call, and analyzer status transitions.

struct OrganizationsCase {
  std::string label;
  std::string account;
  std::string operation;
  std::string body;
  int status;
  std::string type;  // __type on errors
};

class OrganizationsRulesTest : public ServiceTest,
                               public testing::WithParamInterface<OrganizationsCase> {};

TEST_P(OrganizationsRulesTest, AnswersAwsErrors) {
  Reply reply = Organizations(GetParam().account, GetParam().operation, GetParam().body);
  EXPECT_EQ(reply.status, GetParam().status) << reply.text;
  if (!GetParam().type.empty()) {
    EXPECT_EQ(reply.At("/__type"), GetParam().type);
    EXPECT_TRUE(reply.Get("/Message").has_value() && reply.Get("/Message")->is_string());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Rules, OrganizationsRulesTest,
    testing::Values(
        OrganizationsCase{"MemberDescribesOrganization", kDev, "DescribeOrganization", "{}", 200,
                          ""},
        OrganizationsCase{"OutsiderIsNotInUse", kOutsider, "DescribeOrganization", "{}", 400,
                          "AWSOrganizationsNotInUseException"},
        OrganizationsCase{
            "MemberCannotEnableAccess", kDev, "EnableAWSServiceAccess",
            Fill(R"({"ServicePrincipal": "$0"})", {service::kAccessAnalyzerPrincipal}), 400,
            "AccessDeniedException"},
        OrganizationsCase{"MemberCannotListAccounts", kDev, "ListAccounts", "{}", 400,
                          "AccessDeniedException"},
        OrganizationsCase{"ManagementCannotBeDelegated", kMgmt, "RegisterDelegatedAdministrator",
                          Fill(R"({"AccountId": "$0", "ServicePrincipal": "$1"})",
                               {kMgmt, service::kAccessAnalyzerPrincipal}),
                          400, "ConstraintViolationException"},
        OrganizationsCase{"UnknownAccount", kMgmt, "RegisterDelegatedAdministrator",
                          Fill(R"({"AccountId": "123123123123", "ServicePrincipal": "$0"})",
                               {service::kAccessAnalyzerPrincipal}),
                          400, "AccountNotFoundException"},
        OrganizationsCase{"DeregisterUnregistered", kMgmt, "DeregisterDelegatedAdministrator",
                          Fill(R"({"AccountId": "$0", "ServicePrincipal": "$1"})",
                               {kDev, service::kAccessAnalyzerPrincipal}),
                          400, "AccountNotRegisteredException"}),
    [](const testing::TestParamInfo<OrganizationsCase>& info) { return info.param.label; });

TEST_F(ServiceTest, RegisteringTwiceIsAlreadyRegistered) {
  EnableOrganization(kSecurity);
  Reply again = Organizations(kMgmt, "RegisterDelegatedAdministrator",
                              Fill(R"({"AccountId": "$0", "ServicePrincipal": "$1"})",
                                   {kSecurity, service::kAccessAnalyzerPrincipal}));
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(again.At("/__type"), "AccountAlreadyRegisteredException");
}

TEST_F(ServiceTest, DeregisteringTheAdministratorDisablesItsOrganizationAnalyzers) {
  EnableOrganization(kSecurity);
  ASSERT_EQ(CreateAnalyzer(kSecurity, "org", "ORGANIZATION").status, 200);
  ASSERT_EQ(CreateAnalyzer(kSecurity, "acct", "ACCOUNT").status, 200);
  ASSERT_EQ(CreateAnalyzer(kMgmt, "mgmt-org", "ORGANIZATION").status, 200);
  auto status_of = [&](std::string_view account, std::string_view name) {
    return Call(As(account), "GET", base::Concat("/analyzer/", name));
  };
  EXPECT_EQ(status_of(kSecurity, "org").At("/analyzer/status"), "ACTIVE");

  ASSERT_EQ(Organizations(kMgmt, "DeregisterDelegatedAdministrator",
                          Fill(R"({"AccountId": "$0", "ServicePrincipal": "$1"})",
                               {kSecurity, service::kAccessAnalyzerPrincipal}))
                .status,
            200);
  Reply org = status_of(kSecurity, "org");
  EXPECT_EQ(org.At("/analyzer/status"), "DISABLED");
  EXPECT_EQ(org.At("/analyzer/statusReason/code"), "DELEGATED_ADMINISTRATOR_DEREGISTERED");
  EXPECT_EQ(status_of(kSecurity, "acct").At("/analyzer/status"), "ACTIVE")
      << "ACCOUNT analyzers are not affected";
  EXPECT_EQ(status_of(kMgmt, "mgmt-org").At("/analyzer/status"), "ACTIVE")
      << "the management account needs no delegation";

  jobs_.clear();
  ASSERT_EQ(Organizations(kMgmt, "RegisterDelegatedAdministrator",
                          Fill(R"({"AccountId": "$0", "ServicePrincipal": "$1"})",
                               {kSecurity, service::kAccessAnalyzerPrincipal}))
                .status,
            200);
  org = status_of(kSecurity, "org");
  EXPECT_EQ(org.At("/analyzer/status"), "ACTIVE");
  EXPECT_FALSE(org.Has("/analyzer/statusReason"));
  ASSERT_EQ(jobs_.size(), 1u) << "re-enabled analyzers are scanned";
  EXPECT_EQ(jobs_[0].analyzer_arn, Arn(kSecurity, "org"));

  ASSERT_EQ(
      Organizations(kMgmt, "DisableAWSServiceAccess",
                    Fill(R"({"ServicePrincipal": "$0"})", {service::kAccessAnalyzerPrincipal}))
          .status,
      200);
  for (auto [account, name] : {std::pair{kSecurity, "org"}, std::pair{kMgmt, "mgmt-org"}}) {
    Reply analyzer = status_of(account, name);
    EXPECT_EQ(analyzer.At("/analyzer/status"), "DISABLED") << name;
    EXPECT_EQ(analyzer.At("/analyzer/statusReason/code"), "AWS_SERVICE_ACCESS_DISABLED") << name;
  }
}

// A former delegated administrator neither reads nor changes the findings of its disabled
// organization analyzer (IAM User Guide, "Settings for IAM Access Analyzer": the existing findings
// "are also no longer accessible"); the analyzer stays visible and the findings are kept for a new
// registration.
TEST_F(ServiceTest, FormerAdministratorCannotReachMemberFindings) {
  EnableOrganization(kSecurity);
  ASSERT_EQ(CreateAnalyzer(kSecurity, "org", "ORGANIZATION").status, 200);
  std::string arn = Arn(kSecurity, "org");
  SeedFindings(
      arn, {{"arn:aws:s3:::member-bucket", "AWS::S3::Bucket", findings::FindingStatus::kActive}});
  ASSERT_EQ(Organizations(kMgmt, "DeregisterDelegatedAdministrator",
                          Fill(R"({"AccountId": "$0", "ServicePrincipal": "$1"})",
                               {kSecurity, service::kAccessAnalyzerPrincipal}))
                .status,
            200);
  std::string query = base::Concat("?analyzerArn=", arn);
  struct Request {
    std::string method, target;
    std::string body;
  };
  std::vector<Request> requests = {
      {"POST", "/finding", Fill(R"({"analyzerArn": "$0"})", {arn})},
      {"POST", "/findingv2", Fill(R"({"analyzerArn": "$0"})", {arn})},
      {"GET", base::Concat("/finding/", Id(0), query), ""},
      {"GET", base::Concat("/findingv2/", Id(0), query), ""},
      {"PUT", "/finding",
       Fill(R"({"analyzerArn": "$0", "status": "ARCHIVED", "ids": ["$1"]})", {arn, Id(0)})},
      {"POST", "/analyzer/findings/statistics", Fill(R"({"analyzerArn": "$0"})", {arn})},
      {"POST", "/analyzed-resource", Fill(R"({"analyzerArn": "$0"})", {arn})},
      {"GET", base::Concat("/analyzed-resource", query, "&resourceArn=arn:aws:s3:::member-bucket"),
       ""},
      {"POST", "/resource/scan",
       Fill(R"({"analyzerArn": "$0", "resourceArn": "arn:aws:s3:::member-bucket"})", {arn})},
  };
  for (const Request& request : requests) {
    Reply reply = Call(As(kSecurity), request.method, request.target, request.body);
    EXPECT_EQ(reply.status, 403) << request.method << " " << request.target << ": " << reply.text;
    EXPECT_EQ(reply.error_type, "AccessDeniedException") << request.target;
  }
  EXPECT_EQ(FindingStatus(arn, Id(0)), "ACTIVE") << "the refused UpdateFindings changed nothing";
  Reply analyzer = Call(As(kSecurity), "GET", "/analyzer/org");
  EXPECT_EQ(analyzer.status, 200);
  EXPECT_EQ(analyzer.At("/analyzer/statusReason/code"), "DELEGATED_ADMINISTRATOR_DEREGISTERED");

  // Registered again: the kept findings are readable and can be updated.
  ASSERT_EQ(Organizations(kMgmt, "RegisterDelegatedAdministrator",
                          Fill(R"({"AccountId": "$0", "ServicePrincipal": "$1"})",
                               {kSecurity, service::kAccessAnalyzerPrincipal}))
                .status,
            200);
  Reply listed = Call(As(kSecurity), "POST", "/finding", Fill(R"({"analyzerArn": "$0"})", {arn}));
  ASSERT_EQ(listed.status, 200) << listed.text;
  EXPECT_EQ(listed.Size("/findings"), 1u);
  EXPECT_EQ(
      Call(As(kSecurity), "PUT", "/finding",
           Fill(R"({"analyzerArn": "$0", "status": "ARCHIVED", "ids": ["$1"]})", {arn, Id(0)}))
          .status,
      200);
  EXPECT_EQ(FindingStatus(arn, Id(0)), "ARCHIVED");
}

// CheckNoNewAccess: AWS's response shape; the request validated like AWS's (required members,
// enum); a document that is not a policy of the type is InvalidParameterException with the member
// and position.
TEST_F(ServiceTest, CheckNoNewAccess) {
  std::string existing =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]})";
  std::string updated =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectAcl","s3:ListBucket"],"Resource":"*"}]})";
  // The operation on two policy documents (JSON text) of `type`.
  auto check = [&](std::string_view new_policy, std::string_view existing_policy,
                   std::string_view type) {
    return Call(
        As(kDev), "POST", "/policy/check-no-new-access",
        Fill(R"({"newPolicyDocument": $0, "existingPolicyDocument": $1, "policyType": "$2"})",
             {json::Quote(new_policy), json::Quote(existing_policy), type}));
  };
  Reply fail = check(updated, existing, "IDENTITY_POLICY");
  ASSERT_EQ(fail.status, 200) << fail.text;
  EXPECT_EQ(
      fail.At(""),
      CanonicalJson(
          R"({"result": "FAIL", "message": "The modified permissions grant new access compared to your existing policy.", "reasons": [{"description": "New access in the statement with index: 0.", "statementIndex": 0}]})"));

  Reply pass = check(existing, updated, "IDENTITY_POLICY");
  ASSERT_EQ(pass.status, 200) << pass.text;
  EXPECT_EQ(pass.At("/result"), "PASS");
  EXPECT_EQ(pass.At("/reasons"), "[]");

  // A role trust policy is a resource policy: a new trusted account is new access.
  std::string trust =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]})";
  std::string wider =
      R"({"Version":"2012-10-17","Statement":[{"Sid":"Any","Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]})";
  Reply trust_reply = check(wider, trust, "RESOURCE_POLICY");
  ASSERT_EQ(trust_reply.status, 200) << trust_reply.text;
  EXPECT_EQ(trust_reply.At("/result"), "FAIL");
  EXPECT_EQ(trust_reply.At("/reasons/0/statementId"), "Any");

  Reply missing = Call(As(kDev), "POST", "/policy/check-no-new-access",
                       Fill(R"({"newPolicyDocument": $0})", {json::Quote(updated)}));
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.error_type, "ValidationException");
  EXPECT_EQ(missing.Size("/fieldList"), 2u) << missing.text;

  Reply bad_type = check(updated, existing, "SCP");
  EXPECT_EQ(bad_type.status, 400);
  EXPECT_EQ(bad_type.error_type, "ValidationException");

  Reply bad_policy = check(updated, "{\n  \"Statement\": [,]\n}", "IDENTITY_POLICY");
  EXPECT_EQ(bad_policy.status, 400);
  EXPECT_EQ(bad_policy.error_type, "InvalidParameterException");
  EXPECT_EQ(bad_policy.At("/message").rfind("existingPolicyDocument:2:", 0), 0u) << bad_policy.text;

  // An identity policy checked as a resource policy lacks its Principal.
  Reply wrong_kind = check(updated, existing, "RESOURCE_POLICY");
  EXPECT_EQ(wrong_kind.status, 400);
  EXPECT_EQ(wrong_kind.error_type, "InvalidParameterException");
}

// CheckAccessNotGranted's access is read by analysis/policy_check_request.h, as the CLI's --access
// is (CheckAccessNotGrantedCommand.AccessHasTheApisLimitsAndWording): the same limits and
// constraints.
TEST_F(ServiceTest, CheckAccessNotGrantedLimits) {
  std::string policy =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})";
  std::vector<std::string> actions;
  for (int i = 0; i <= 100; ++i) actions.push_back("s3:Get" + std::to_string(i));
  std::string hundred_and_one = json::Writer().StringArray(actions).text();
  struct Case {
    std::string access;  // JSON
    std::string field;
    std::string constraint;
  };
  for (const Case& c : std::vector<Case>{
           {Fill(R"([{"actions": $0, "resources": ["arn:aws:s3:::b/*"]}])", {hundred_and_one}),
            "access.actions", "Member must be a list of at most 100 strings"},
           {"[]", "access", "Member must name at least one action or resource"},
           {R"([{"actions": ["a:b"]}, {"actions": ["c:d"]}])", "access",
            "Member must be a list of at most 1 access"},
           {R"([{"actions": ["s3:GetObject", 7]}])", "access.actions", "Member must hold strings"},
           {R"({"actions": ["s3:GetObject"]})", "access",
            "Member must be a list of at most 1 access"}}) {
    Reply reply =
        Call(As(kDev), "POST", "/policy/check-access-not-granted",
             Fill(R"({"policyDocument": $0, "policyType": "IDENTITY_POLICY", "access": $1})",
                  {json::Quote(policy), c.access}));
    EXPECT_EQ(reply.status, 400) << c.access;
    EXPECT_EQ(reply.At("/message"), "1 validation error detected: Value at '" + c.field +
                                        "' failed to satisfy constraint: " + c.constraint)
        << c.access;
  }
}

// CheckNoPublicAccess answers PASS or FAIL for every type of the model's AccessCheckResourceType,
// including those Perimeter does not analyze for findings (issue #16).
TEST_F(ServiceTest, CheckNoPublicAccessAnswersTypesNotAnalyzedForFindings) {
  std::string open_policy =
      R"({"Version":"2012-10-17","Statement":[{"Sid":"Open","Effect":"Allow","Principal":"*",)"
      R"("Action":"kinesis:GetRecords","Resource":"*"}]})";
  Reply open = Call(As(kDev), "POST", "/policy/check-no-public-access",
                    Fill(R"({"policyDocument": $0, "resourceType": "AWS::Kinesis::Stream"})",
                         {json::Quote(open_policy)}));
  EXPECT_EQ(open.status, 200) << open.text;
  EXPECT_EQ(open.At("/result"), "FAIL");
  std::string invoke = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",)"
                       R"("Action":"execute-api:Invoke","Resource":"*",)"
                       R"("Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]})";
  Reply restricted =
      Call(As(kDev), "POST", "/policy/check-no-public-access",
           Fill(R"({"policyDocument": $0, "resourceType": "AWS::ApiGateway::RestApi"})",
                {json::Quote(invoke)}));
  EXPECT_EQ(restricted.status, 200) << restricted.text;
  EXPECT_EQ(restricted.At("/result"), "PASS");
}

}  // namespace
}  // namespace perimeter::api

// --- Unused-access findings through the V2 operations (issue #17).

namespace perimeter::api {
namespace {

TEST_F(ServiceTest, UnusedAccessFindingsInTheV2OperationsAndStatistics) {
  ASSERT_EQ(CreateAnalyzer(kDev, "unused", "ACCOUNT_UNUSED_ACCESS").status, 200);
  std::string arn = Arn(kDev, "unused");
  std::vector<findings::FindingRecord> records;
  for (const findings::UnusedAccessFinding& unused :
       {findings::UnusedAccessFinding{findings::FindingType::kUnusedIamRole,
                                      base::Concat("arn:aws:iam::", kDev, ":role/old"),
                                      "AWS::IAM::Role",
                                      std::string(kDev),
                                      {findings::UnusedIamRoleDetails{}}},
        findings::UnusedAccessFinding{
            findings::FindingType::kUnusedPermission,
            base::Concat("arn:aws:iam::", kDev, ":role/app"),
            "AWS::IAM::Role",
            std::string(kDev),
            {findings::UnusedPermissionDetails{
                "s3", {{"s3:PutObject", std::nullopt}}, std::nullopt}}}}) {
    findings::FindingRecord record;
    record.finding = findings::ToFinding(unused);
    record.created_at = record.analyzed_at = record.updated_at = absl::FromUnixMillis(kStart);
    records.push_back(std::move(record));
  }
  ASSERT_TRUE(store_.WriteFindings(arn, records, {}).ok());

  Reply listed = Call(As(kDev), "POST", "/findingv2", Fill(R"({"analyzerArn": "$0"})", {arn}));
  ASSERT_EQ(listed.status, 200) << listed.text;
  std::set<std::string> types;
  for (int i = 0; i < 2; ++i)
    types.insert(listed.At(base::Concat("/findings/", i, "/findingType")));
  EXPECT_EQ(types, (std::set<std::string>{"UnusedIAMRole", "UnusedPermission"}));

  std::string permission_id = records[1].finding.id;
  Reply got =
      Call(As(kDev), "GET", base::Concat("/findingv2/", permission_id, "?analyzerArn=", arn));
  ASSERT_EQ(got.status, 200) << got.text;
  EXPECT_EQ(got.At("/findingType"), "UnusedPermission");
  EXPECT_EQ(got.At("/findingDetails/0/unusedPermissionDetails/serviceNamespace"), "s3");
  EXPECT_EQ(got.At("/findingDetails/0/unusedPermissionDetails/actions/0/action"), "s3:PutObject");

  Reply statistics = Call(As(kDev), "POST", "/analyzer/findings/statistics",
                          Fill(R"({"analyzerArn": "$0"})", {arn}));
  ASSERT_EQ(statistics.status, 200) << statistics.text;
  EXPECT_EQ(CanonicalJson(*statistics.Get("/findingsStatistics/0/unusedAccessFindingsStatistics")),
            CanonicalJson(Fill(R"({"unusedAccessTypeStatistics": [
                                   {"unusedAccessType": "UnusedIAMRole", "total": 1},
                                   {"unusedAccessType": "UnusedPermission", "total": 1}],
                                 "topAccounts": [{"account": "$0", "numberOfActiveFindings": 2,
                                                  "details": {"UnusedIAMRole": 1,
                                                              "UnusedPermission": 1}}],
                                 "totalActiveFindings": 2, "totalArchivedFindings": 0,
                                 "totalResolvedFindings": 0})",
                               {kDev})));
}

// ListFindingsV2 filters and sorts on findingType; GetFindingsStatistics answers each family's
// union member: per resource type and status for internal access, per unused access type and the
// top accounts (each with its count per type) for unused access, archived and resolved findings in
// the totals only.
TEST_F(ServiceTest, FindingTypesInTheV2ListingAndTheStatisticsOfEachFamily) {
  ASSERT_EQ(CreateAnalyzer(kDev, "unused", "ACCOUNT_UNUSED_ACCESS").status, 200);
  std::string arn = Arn(kDev, "unused");
  std::vector<findings::FindingRecord> records;
  auto add = [&](findings::FindingType type, std::string role, std::string owner,
                 findings::FindingStatus status) {
    findings::FindingRecord record;
    record.finding = findings::ToFinding(
        {type, base::Concat("arn:aws:iam::", owner, ":role/", role), "AWS::IAM::Role", owner,
         type == findings::FindingType::kUnusedIamRole
             ? std::vector<findings::UnusedFindingDetails>{findings::UnusedIamRoleDetails{}}
             : std::vector<findings::UnusedFindingDetails>{
                   findings::UnusedPermissionDetails{"sqs", {}, std::nullopt}}});
    record.status = status;
    record.created_at = record.analyzed_at = record.updated_at = absl::FromUnixMillis(kStart);
    records.push_back(std::move(record));
  };
  add(findings::FindingType::kUnusedIamRole, "old", kDev, findings::FindingStatus::kActive);
  add(findings::FindingType::kUnusedPermission, "app", kDev, findings::FindingStatus::kActive);
  add(findings::FindingType::kUnusedPermission, "web", kMgmt, findings::FindingStatus::kActive);
  add(findings::FindingType::kUnusedIamRole, "gone", kDev, findings::FindingStatus::kResolved);
  ASSERT_TRUE(store_.WriteFindings(arn, records, {}).ok());

  Reply listed = Call(As(kDev), "POST", "/findingv2",
                      Fill(R"({"analyzerArn": "$0", "filter": {"findingType": {"eq":
                               ["UnusedPermission"]}}, "sort": {"attributeName": "resource"}})",
                           {arn}));
  ASSERT_EQ(listed.status, 200) << listed.text;
  ASSERT_EQ(listed.Size("/findings"), 2u) << listed.text;
  EXPECT_EQ(listed.At("/findings/0/resource"), base::Concat("arn:aws:iam::", kMgmt, ":role/web"));
  EXPECT_EQ(listed.At("/findings/1/findingType"), "UnusedPermission");
  Reply by_type = Call(
      As(kDev), "POST", "/findingv2",
      Fill(R"({"analyzerArn": "$0", "sort": {"attributeName": "findingType", "orderBy": "DESC"}})",
           {arn}));
  ASSERT_EQ(by_type.status, 200) << by_type.text;
  ASSERT_EQ(by_type.Size("/findings"), 4u);
  EXPECT_EQ(by_type.At("/findings/0/findingType"), "UnusedPermission");
  EXPECT_EQ(by_type.At("/findings/3/findingType"), "UnusedIAMRole");

  Reply statistics = Call(As(kDev), "POST", "/analyzer/findings/statistics",
                          Fill(R"({"analyzerArn": "$0"})", {arn}));
  ASSERT_EQ(statistics.status, 200) << statistics.text;
  EXPECT_EQ(CanonicalJson(*statistics.Get("/findingsStatistics/0/unusedAccessFindingsStatistics")),
            CanonicalJson(Fill(R"({"unusedAccessTypeStatistics": [
                                   {"unusedAccessType": "UnusedIAMRole", "total": 1},
                                   {"unusedAccessType": "UnusedPermission", "total": 2}],
                                 "topAccounts": [
                                   {"account": "$0", "numberOfActiveFindings": 2,
                                    "details": {"UnusedIAMRole": 1, "UnusedPermission": 1}},
                                   {"account": "$1", "numberOfActiveFindings": 1,
                                    "details": {"UnusedPermission": 1}}],
                                 "totalActiveFindings": 3, "totalArchivedFindings": 0,
                                 "totalResolvedFindings": 1})",
                               {kDev, kMgmt})));

  ASSERT_EQ(CreateAnalyzer(kDev, "internal", "ACCOUNT_INTERNAL_ACCESS").status, 200);
  std::string internal = Arn(kDev, "internal");
  SeedFindings(internal, {{"arn:aws:s3:::a", "AWS::S3::Bucket", findings::FindingStatus::kActive},
                          {"arn:aws:s3:::b", "AWS::S3::Bucket", findings::FindingStatus::kArchived},
                          {"arn:aws:kms:us-east-1:444455556666:key/k", "AWS::KMS::Key",
                           findings::FindingStatus::kResolved}});
  Reply internal_statistics = Call(As(kDev), "POST", "/analyzer/findings/statistics",
                                   Fill(R"({"analyzerArn": "$0"})", {internal}));
  ASSERT_EQ(internal_statistics.status, 200) << internal_statistics.text;
  EXPECT_EQ(CanonicalJson(
                *internal_statistics.Get("/findingsStatistics/0/internalAccessFindingsStatistics")),
            CanonicalJson(R"({"resourceTypeStatistics": {
          "AWS::KMS::Key": {"totalActiveFindings": 0, "totalArchivedFindings": 0,
                            "totalResolvedFindings": 1},
          "AWS::S3::Bucket": {"totalActiveFindings": 1, "totalArchivedFindings": 1,
                              "totalResolvedFindings": 0}},
        "totalActiveFindings": 1, "totalArchivedFindings": 1, "totalResolvedFindings": 1})"));
}

// --- GenerateFindingRecommendation / GetFindingRecommendation (issue #17).

// A catalog that holds one imported principal.
class PrincipalCatalog : public perimeter_testing::EmptyCatalog {
 public:
  explicit PrincipalCatalog(unused::IamPrincipal principal) : principal_(std::move(principal)) {}
  std::optional<unused::IamPrincipal> FindPrincipal(std::string_view arn) const override {
    if (arn != principal_.arn) return std::nullopt;
    return principal_;
  }

 private:
  unused::IamPrincipal principal_;
};

class RecommendationTest : public ServiceTest {
 protected:
  void SetUp() override {
    ASSERT_EQ(CreateAnalyzer(kDev, "unused", "ACCOUNT_UNUSED_ACCESS").status, 200);
    arn_ = Arn(kDev, "unused");
    role_arn_ = base::Concat("arn:aws:iam::", kDev, ":role/app");
    // s3:PutObject and the whole of sqs unused: the managed policy keeps s3:GetObject, the inline
    // one is detached.
    std::vector<findings::FindingRecord> records;
    for (const findings::UnusedAccessFinding& unused :
         {findings::UnusedAccessFinding{
              findings::FindingType::kUnusedPermission,
              role_arn_,
              "AWS::IAM::Role",
              std::string(kDev),
              {findings::UnusedPermissionDetails{"s3", {{"s3:PutObject", std::nullopt}}, kLast},
               findings::UnusedPermissionDetails{"sqs", {}, std::nullopt}}},
          findings::UnusedAccessFinding{findings::FindingType::kUnusedIamRole,
                                        base::Concat("arn:aws:iam::", kDev, ":role/old"),
                                        "AWS::IAM::Role",
                                        std::string(kDev),
                                        {findings::UnusedIamRoleDetails{}}}}) {
      findings::FindingRecord record;
      record.finding = findings::ToFinding(unused);
      record.created_at = record.analyzed_at = record.updated_at = absl::FromUnixMillis(kStart);
      records.push_back(std::move(record));
    }
    permission_id_ = records[0].id();
    role_id_ = records[1].id();
    ASSERT_TRUE(store_.WriteFindings(arn_, records, {}).ok());
    unused::IamPrincipal role;
    role.arn = role_arn_;
    role.account = kDev;
    role.policies = {
        {base::Concat("arn:aws:iam::", kDev, ":policy/objects"), true,
         R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
         R"("Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/*"}]})"},
        {"queue-access", false,
         R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*"}})"}};
    catalog_ = std::make_shared<PrincipalCatalog>(role);
  }

  Reply Generate(const std::string& id) {
    return Call(As(kDev), "POST", base::Concat("/recommendation/", id, "?analyzerArn=", arn_));
  }
  Reply Get(const std::string& id, std::string_view query = "") {
    return Call(As(kDev), "GET",
                base::Concat("/recommendation/", id, "?analyzerArn=", arn_, query));
  }

  const absl::Time kLast = absl::FromUnixSeconds(1714000000);
  std::string arn_, role_arn_, permission_id_, role_id_;
};

TEST_F(RecommendationTest, GeneratedForAnUnusedPermissionFindingAndPaged) {
  Reply before = Get(permission_id_);
  EXPECT_EQ(before.status, 404) << before.text;
  EXPECT_EQ(before.error_type, "ResourceNotFoundException");

  clock_.Advance(5000);
  Reply generated = Generate(permission_id_);
  ASSERT_EQ(generated.status, 200) << generated.text;
  Reply got = Get(permission_id_);
  ASSERT_EQ(got.status, 200) << got.text;
  EXPECT_EQ(got.At("/status"), "SUCCEEDED");
  EXPECT_EQ(got.At("/recommendationType"), "UnusedPermissionRecommendation");
  EXPECT_EQ(got.At("/resourceArn"), role_arn_);
  EXPECT_EQ(got.At("/startedAt"), "2024-05-01T12:00:05.000Z");
  EXPECT_EQ(got.At("/completedAt"), "2024-05-01T12:00:05.000Z");
  EXPECT_FALSE(got.Has("/error"));
  EXPECT_FALSE(got.Has("/nextToken"));
  ASSERT_EQ(got.Size("/recommendedSteps"), 2u) << got.text;
  const std::string step = "/recommendedSteps/0/unusedPermissionsRecommendedStep";
  EXPECT_EQ(got.At(step + "/recommendedAction"), "CREATE_POLICY");
  EXPECT_EQ(got.At(step + "/existingPolicyId"),
            base::Concat("arn:aws:iam::", kDev, ":policy/objects"));
  std::string policy = got.At(step + "/recommendedPolicy");
  EXPECT_NE(policy.find("s3:GetObject"), std::string::npos) << policy;
  EXPECT_EQ(policy.find("s3:PutObject"), std::string::npos) << policy;
  const std::string detach = "/recommendedSteps/1/unusedPermissionsRecommendedStep";
  EXPECT_EQ(got.At(detach + "/recommendedAction"), "DETACH_POLICY");
  EXPECT_EQ(got.At(detach + "/existingPolicyId"), "queue-access");
  EXPECT_FALSE(got.Has(detach + "/recommendedPolicy"));

  // One step a page.
  Reply first = Get(permission_id_, "&maxResults=1");
  ASSERT_EQ(first.status, 200) << first.text;
  ASSERT_EQ(first.Size("/recommendedSteps"), 1u);
  EXPECT_EQ(first.At(step + "/recommendedAction"), "CREATE_POLICY");
  ASSERT_TRUE(first.Has("/nextToken"));
  Reply second =
      Get(permission_id_, base::Concat("&maxResults=1&nextToken=", first.At("/nextToken")));
  ASSERT_EQ(second.status, 200) << second.text;
  ASSERT_EQ(second.Size("/recommendedSteps"), 1u);
  EXPECT_EQ(second.At(step + "/recommendedAction"), "DETACH_POLICY");
  EXPECT_FALSE(second.Has("/nextToken"));
  EXPECT_EQ(Get(permission_id_, "&maxResults=0").error_type, "ValidationException");
}

TEST_F(RecommendationTest, OtherFindingTypesAndUnknownIdsAreValidationErrors) {
  for (const std::string& id : {role_id_, std::string("no-such-finding")}) {
    Reply reply = Generate(id);
    EXPECT_EQ(reply.status, 400) << reply.text;
    EXPECT_EQ(reply.error_type, "ValidationException") << id;
    EXPECT_EQ(Get(id).error_type, "ResourceNotFoundException") << id;
  }
  // Another account's analyzer is not found.
  Reply elsewhere = Call(As(kMgmt), "POST",
                         base::Concat("/recommendation/", permission_id_, "?analyzerArn=", arn_));
  EXPECT_EQ(elsewhere.error_type, "ResourceNotFoundException") << elsewhere.text;
}

// GetFindingV2 pages an UnusedPermission finding's findingDetails, one entry per unused service.
TEST_F(RecommendationTest, GetFindingV2PagesTheFindingDetails) {
  std::string path = base::Concat("/findingv2/", permission_id_, "?analyzerArn=", arn_);
  Reply whole = Call(As(kDev), "GET", path);
  ASSERT_EQ(whole.status, 200) << whole.text;
  EXPECT_EQ(whole.Size("/findingDetails"), 2u);
  EXPECT_FALSE(whole.Has("/nextToken"));
  Reply first = Call(As(kDev), "GET", path + "&maxResults=1");
  ASSERT_EQ(first.status, 200) << first.text;
  ASSERT_EQ(first.Size("/findingDetails"), 1u);
  EXPECT_EQ(first.At("/findingDetails/0/unusedPermissionDetails/serviceNamespace"), "s3");
  ASSERT_TRUE(first.Has("/nextToken"));
  Reply second =
      Call(As(kDev), "GET", base::Concat(path, "&maxResults=1&nextToken=", first.At("/nextToken")));
  ASSERT_EQ(second.status, 200) << second.text;
  ASSERT_EQ(second.Size("/findingDetails"), 1u);
  EXPECT_EQ(second.At("/findingDetails/0/unusedPermissionDetails/serviceNamespace"), "sqs");
  EXPECT_FALSE(second.Has("/nextToken"));
  EXPECT_EQ(second.At("/findingType"), "UnusedPermission");
}

// Without the principal's policies there is nothing to recommend from: FAILED, with the reason,
// never a guess.
TEST_F(RecommendationTest, FailsWhenTheImportHoldsNoPrincipal) {
  catalog_ = std::make_shared<perimeter_testing::EmptyCatalog>();
  ASSERT_EQ(Generate(permission_id_).status, 200);
  Reply got = Get(permission_id_);
  ASSERT_EQ(got.status, 200) << got.text;
  EXPECT_EQ(got.At("/status"), "FAILED");
  EXPECT_EQ(got.At("/error/code"), "PRINCIPAL_NOT_FOUND");
  EXPECT_EQ(got.Size("/recommendedSteps"), 0u);
  EXPECT_TRUE(got.Has("/completedAt"));
}

}  // namespace
}  // namespace perimeter::api
