#include "perimeter/compliance/analyzers_enabled.h"

#include <map>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "perimeter/base/clock.h"
#include "perimeter/base/text.h"
#include "perimeter/compliance/compliance_report.h"

namespace perimeter::compliance {
namespace {

using aws::HttpRequest;
using aws::HttpResponse;
using aws::HttpTransport;

Analyzer A(std::string name, std::string type, std::string status, std::string reason = "",
           std::string account = "111122223333") {
  return {base::Concat("arn:aws:access-analyzer:us-east-1:", account, ":analyzer/", name), name,
          std::move(type), std::move(status), std::move(reason)};
}

struct DecideCase {
  const char* name;
  std::optional<std::vector<Analyzer>> own;
  std::vector<Analyzer> organization;
  bool require_external;
  CheckStatus expected;
  const char* reason_contains;
};

class DecideRegionTest : public testing::TestWithParam<DecideCase> {};

TEST_P(DecideRegionTest, Table) {
  const DecideCase& c = GetParam();
  Verdict verdict = DecideRegion(c.own, c.organization, c.require_external);
  EXPECT_EQ(verdict.status, c.expected) << verdict.reason;
  EXPECT_NE(verdict.reason.find(c.reason_contains), std::string::npos) << verdict.reason;
}

using V = std::vector<Analyzer>;
INSTANTIATE_TEST_SUITE_P(
    Cis, DecideRegionTest,
    testing::Values(
        DecideCase{"none", V{}, {}, false, CheckStatus::kFail, "no analyzer in this region"},
        DecideCase{"active_account",
                   V{A("a", "ACCOUNT", "ACTIVE")},
                   {},
                   false,
                   CheckStatus::kPass,
                   "a (ACCOUNT)"},
        DecideCase{"active_org",
                   V{A("o", "ORGANIZATION", "ACTIVE")},
                   {},
                   true,
                   CheckStatus::kPass,
                   "o (ORGANIZATION)"},
        DecideCase{"creating",
                   V{A("a", "ACCOUNT", "CREATING")},
                   {},
                   false,
                   CheckStatus::kFail,
                   "a (ACCOUNT) is CREATING"},
        DecideCase{"disabled_with_reason",
                   V{A("o", "ORGANIZATION", "DISABLED", "DELEGATED_ADMINISTRATOR_DEREGISTERED")},
                   {},
                   false,
                   CheckStatus::kFail,
                   "is DISABLED: DELEGATED_ADMINISTRATOR_DEREGISTERED"},
        DecideCase{"failed",
                   V{A("a", "ACCOUNT", "FAILED", "INTERNAL_FAILURE")},
                   {},
                   false,
                   CheckStatus::kFail,
                   "FAILED: INTERNAL_FAILURE"},
        DecideCase{"one_active_among_disabled",
                   V{A("o", "ORGANIZATION", "DISABLED"), A("a", "ACCOUNT", "ACTIVE")},
                   {},
                   false,
                   CheckStatus::kPass,
                   "a (ACCOUNT)"},
        DecideCase{"unused_access_counts_without_require_external",
                   V{A("u", "ACCOUNT_UNUSED_ACCESS", "ACTIVE")},
                   {},
                   false,
                   CheckStatus::kPass,
                   "u (ACCOUNT_UNUSED_ACCESS)"},
        DecideCase{"unused_access_fails_with_require_external",
                   V{A("u", "ACCOUNT_UNUSED_ACCESS", "ACTIVE")},
                   {},
                   true,
                   CheckStatus::kFail,
                   "only u (ACCOUNT_UNUSED_ACCESS)"},
        DecideCase{"member_covered_by_org_analyzer", std::nullopt,
                   V{A("o", "ORGANIZATION", "ACTIVE", "", "234598760742")}, true,
                   CheckStatus::kPass,
                   "covered by organization analyzer o of account 234598760742"},
        DecideCase{"member_not_covered_by_account_analyzer", std::nullopt,
                   V{A("a", "ACCOUNT", "ACTIVE")}, false, CheckStatus::kFail,
                   "no organization analyzer covers"},
        DecideCase{"member_org_unused_access_only_with_require_external", std::nullopt,
                   V{A("ou", "ORGANIZATION_UNUSED_ACCESS", "ACTIVE")}, true, CheckStatus::kFail,
                   "no organization analyzer covers"},
        DecideCase{"member_org_analyzer_disabled", std::nullopt,
                   V{A("o", "ORGANIZATION", "DISABLED", "AWS_SERVICE_ACCESS_DISABLED")}, false,
                   CheckStatus::kFail,
                   "AWS_SERVICE_ACCESS_DISABLED (organization analyzer of 111122223333)"}),
    [](const testing::TestParamInfo<DecideCase>& info) { return std::string(info.param.name); });

TEST(FixTest, NamesTypesAndTokens) {
  CheckOptions options;
  EXPECT_EQ(FixAnalyzerType(options), "ACCOUNT");
  options.organization = true;
  EXPECT_EQ(FixAnalyzerType(options), "ORGANIZATION");
  options.analyzer_type = "ACCOUNT";
  EXPECT_EQ(FixAnalyzerType(options), "ACCOUNT");
  EXPECT_EQ(FixAnalyzerName(options, "eu-west-1"), "perimeter-eu-west-1");
  options.analyzer_name = "cis-{region}-{region}";
  EXPECT_EQ(FixAnalyzerName(options, "us-east-1"), "cis-us-east-1-us-east-1");
  std::string token = FixClientToken("111122223333", "us-east-1", "perimeter-us-east-1", "ACCOUNT");
  EXPECT_EQ(token, FixClientToken("111122223333", "us-east-1", "perimeter-us-east-1", "ACCOUNT"));
  EXPECT_NE(token, FixClientToken("111122223333", "us-east-2", "perimeter-us-east-1", "ACCOUNT"));
  EXPECT_TRUE(token.starts_with("perimeter-"));
}

// A fake Access Analyzer: answers ListAnalyzers per signed region from a table; regions missing
// from the table are unreachable.
class FakeTransport final : public HttpTransport {
 public:
  std::map<std::string, std::string> list_bodies;  // region -> ListAnalyzers answer
  std::vector<HttpRequest> requests;

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    requests.push_back(request);
    std::string authorization;
    for (const auto& [name, value] : request.headers) {
      if (name == "Authorization") authorization = value;
    }
    if (authorization.find("/sts/") != std::string::npos) {
      return HttpResponse{200, {}, "<GetCallerIdentityResponse><Account>111122223333</Account>"};
    }
    for (const auto& [region, body] : list_bodies) {
      if (authorization.find(base::Concat("/", region, "/access-analyzer/")) != std::string::npos) {
        return HttpResponse{200, {{"Content-Type", "application/json"}}, body};
      }
    }
    if (authorization.find("/ap-south-1/") != std::string::npos) {
      return HttpResponse{
          403,
          {{"x-amzn-ErrorType", "UnrecognizedClientException:http://internal"}},
          R"({"message":"The security token included in the request is invalid."})"};
    }
    return absl::UnavailableError("connection timed out");
  }
};

TEST(RunAnalyzersEnabledTest, UnreachableOrRefusedRegionsAreErrorsNeverPasses) {
  FakeTransport transport;
  transport.list_bodies["us-east-1"] =
      R"({"analyzers":[{"arn":"arn:aws:access-analyzer:us-east-1:111122223333:analyzer/a","name":"a","type":"ACCOUNT","status":"ACTIVE"}]})";
  transport.list_bodies["eu-west-1"] = R"({"analyzers":[]})";
  base::FakeClock clock(1'700'000'000'000);
  aws::SignedClient signer(transport, {"AKID", "secret", "", "test"}, clock, {},
                           aws::RetryTiming::Immediate());
  AwsClient client(signer, std::nullopt, "us-east-1");
  CheckOptions options;
  options.regions = {"us-east-1", "eu-west-1", "ap-south-1", "sa-east-1"};
  absl::StatusOr<CheckReport> report = RunAnalyzersEnabled(client, options);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->results.size(), 4u);
  std::map<std::string, const RegionResult*> by_region;
  for (const RegionResult& row : report->results) by_region[row.region] = &row;
  EXPECT_EQ(by_region["us-east-1"]->status, CheckStatus::kPass);
  EXPECT_EQ(by_region["eu-west-1"]->status, CheckStatus::kFail);
  EXPECT_EQ(by_region["eu-west-1"]->remediation,
            "aws accessanalyzer create-analyzer --analyzer-name perimeter-eu-west-1 --type ACCOUNT "
            "--region eu-west-1");
  EXPECT_EQ(by_region["ap-south-1"]->status, CheckStatus::kError);
  EXPECT_NE(by_region["ap-south-1"]->reason.find("UnrecognizedClientException"), std::string::npos);
  EXPECT_EQ(by_region["sa-east-1"]->status, CheckStatus::kError);
  EXPECT_NE(by_region["sa-east-1"]->reason.find("timed out"), std::string::npos);
  EXPECT_EQ(report->caller_account, "111122223333");
  // AWS's own endpoints when no --endpoint-url is given.
  bool saw_regional = false;
  for (const HttpRequest& request : transport.requests) {
    if (request.base_url == "https://access-analyzer.eu-west-1.amazonaws.com") saw_regional = true;
  }
  EXPECT_TRUE(saw_regional);

  for (ReportFormat format :
       {ReportFormat::kTable, ReportFormat::kJson, ReportFormat::kAsff, ReportFormat::kOcsf}) {
    std::string text = FormatReport(*report, format, clock.Now());
    EXPECT_NE(text.find("eu-west-1"), std::string::npos);
  }
  std::string asff = FormatReport(*report, ReportFormat::kAsff, clock.Now());
  EXPECT_NE(asff.find("\"Status\":\"NOT_AVAILABLE\""), std::string::npos);
  EXPECT_NE(asff.find("CIS AWS Foundations Benchmark v1.4.0/1.20"), std::string::npos);
}

TEST(RunAnalyzersEnabledTest, DryRunShowsWhatWouldBeCreatedAndCreatesNothing) {
  FakeTransport transport;
  transport.list_bodies["eu-west-1"] = R"({"analyzers":[]})";
  base::FakeClock clock(1'700'000'000'000);
  aws::SignedClient signer(transport, {"AKID", "secret", "", "test"}, clock, {},
                           aws::RetryTiming::Immediate());
  AwsClient client(signer, std::nullopt, "us-east-1");
  CheckOptions options;
  options.regions = {"eu-west-1"};
  options.fix = true;
  options.dry_run = true;
  absl::StatusOr<CheckReport> report = RunAnalyzersEnabled(client, options);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->results.size(), 1u);
  EXPECT_EQ(report->results[0].fix, FixAction::kWouldCreate);
  EXPECT_EQ(report->results[0].status, CheckStatus::kFail);
  for (const HttpRequest& request : transport.requests) EXPECT_NE(request.method, "PUT");
}

}  // namespace
}  // namespace perimeter::compliance
