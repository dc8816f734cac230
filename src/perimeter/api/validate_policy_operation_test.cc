// ValidatePolicy through the server's routing: the model's request members and errors, pagination,
// and a body that is validation::ValidatePolicyResponseJson of the same findings.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "perimeter/api/access_analyzer_service.h"
#include "perimeter/api/rest_routes.h"
#include "perimeter/base/clock.h"
#include "perimeter/json/document.h"
#include "perimeter/json/writer.h"
#include "perimeter/store/memory/memory_store.h"
#include "perimeter/validation/finding_json.h"
#include "perimeter/validation/validate_policy.h"
#include "tests/testing/rest_request.h"

namespace perimeter::api {
namespace {

// Three findings: no Version, an action that does not exist, a redundant action.
const char kPolicy[] =
    R"({"Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:GetObject","s3:GetObjekt"],)"
    R"("Resource":"*"}]})";

ApiResponse Post(std::string_view target, const std::string& body) {
  std::optional<RestRequest> request = perimeter_testing::RoutedRequest("POST", target, body);
  if (!request) return ApiResponse{.status = 0};
  EXPECT_EQ(request->operation, "ValidatePolicy");
  // ValidatePolicy needs no analyzer, store content or environment: the service is as the server
  // wires it, over an empty memory store.
  base::FakeClock clock(0);
  store::MemoryStore store;
  AccessAnalyzerService service(
      store, [] { return std::make_shared<const service::Environment>(); },
      [] { return std::shared_ptr<const service::ResourceCatalog>(); }, clock,
      [](service::ScanJob) {});
  return service.Handle(Caller{"111122223333", "arn:aws:iam::111122223333:user/admin", "us-east-1"},
                        *request);
}

std::string Body(std::optional<std::string_view> document, std::optional<std::string_view> type,
                 std::optional<std::string_view> resource_type = std::nullopt,
                 std::optional<std::string_view> locale = std::nullopt) {
  json::Writer w;
  w.BeginObject();
  if (document) w.Key("policyDocument").String(*document);
  if (type) w.Key("policyType").String(*type);
  if (resource_type) w.Key("validatePolicyResourceType").String(*resource_type);
  if (locale) w.Key("locale").String(*locale);
  w.EndObject();
  return std::move(w).Take();
}

std::string ErrorType(const ApiResponse& response) {
  for (const auto& [name, value] : response.headers) {
    if (name == "x-amzn-ErrorType") return value;
  }
  return "";
}

TEST(ValidatePolicyOperationTest, AnswersTheFindingsOfTheValidator) {
  ApiResponse response = Post("/policy/validation", Body(kPolicy, "IDENTITY_POLICY"));
  ASSERT_EQ(response.status, 200) << response.body;
  std::vector<validation::ValidationFinding> findings =
      validation::ValidatePolicy(kPolicy, validation::PolicyType::kIdentityPolicy);
  ASSERT_EQ(findings.size(), 3u);
  EXPECT_EQ(response.body, validation::ValidatePolicyResponseJson(findings, std::nullopt));
}

TEST(ValidatePolicyOperationTest, PaginatesWithMaxResultsAndNextToken) {
  std::vector<validation::ValidationFinding> findings =
      validation::ValidatePolicy(kPolicy, validation::PolicyType::kIdentityPolicy);
  ApiResponse first =
      Post("/policy/validation?maxResults=2", Body(kPolicy, "IDENTITY_POLICY", {}, "EN"));
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.body, validation::ValidatePolicyResponseJson(std::span(findings.data(), 2),
                                                               std::string("2")));
  ApiResponse second =
      Post("/policy/validation?maxResults=2&nextToken=2", Body(kPolicy, "IDENTITY_POLICY"));
  ASSERT_EQ(second.status, 200);
  EXPECT_EQ(second.body, validation::ValidatePolicyResponseJson(std::span(findings.data() + 2, 1),
                                                                std::nullopt));
  ApiResponse bad_token = Post("/policy/validation?nextToken=x", Body(kPolicy, "IDENTITY_POLICY"));
  EXPECT_EQ(bad_token.status, 400);
  EXPECT_EQ(ErrorType(bad_token), "ValidationException");
}

TEST(ValidatePolicyOperationTest, TrustPolicyResourceTypeSelectsTrustChecks) {
  const char trust[] =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},)"
      R"("Action":"sts:AssumeRole"}]})";
  ApiResponse response = Post("/policy/validation",
                              Body(trust, "RESOURCE_POLICY", "AWS::IAM::AssumeRolePolicyDocument"));
  ASSERT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL"),
            std::string::npos);
}

struct BadRequest {
  std::string name;
  std::string target;
  std::string body;
  std::string field;  // the member the ValidationException's fieldList names
};

class ValidatePolicyBadRequestTest : public testing::TestWithParam<BadRequest> {};

TEST_P(ValidatePolicyBadRequestTest, IsAValidationExceptionNamingTheField) {
  ApiResponse response = Post(GetParam().target, GetParam().body);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(ErrorType(response), "ValidationException");
  json::ParseResult body = json::Parse(response.body);
  ASSERT_TRUE(body.ok()) << response.body;
  std::optional<json::Value> fields = body.document.root().Find("fieldList");
  ASSERT_TRUE(fields.has_value()) << response.body;
  std::vector<std::string> names;
  for (json::Value field : fields->children()) {
    names.push_back(std::string(field.Find("name")->text()));
  }
  EXPECT_NE(std::find(names.begin(), names.end(), GetParam().field), names.end()) << response.body;
}

INSTANTIATE_TEST_SUITE_P(
    ValidatePolicy, ValidatePolicyBadRequestTest,
    testing::Values(BadRequest{"NoDocument", "/policy/validation", Body({}, "IDENTITY_POLICY"),
                               "policyDocument"},
                    BadRequest{"NoType", "/policy/validation", Body(kPolicy, {}), "policyType"},
                    BadRequest{"UnknownType", "/policy/validation", Body(kPolicy, "IDENTITY"),
                               "policyType"},
                    BadRequest{"UnknownResourceType", "/policy/validation",
                               Body(kPolicy, "RESOURCE_POLICY", "AWS::S3::Bukket"),
                               "validatePolicyResourceType"},
                    BadRequest{"UnknownLocale", "/policy/validation",
                               Body(kPolicy, "IDENTITY_POLICY", {}, "EN_US"), "locale"},
                    BadRequest{"MaxResultsNotANumber", "/policy/validation?maxResults=x",
                               Body(kPolicy, "IDENTITY_POLICY"), "maxResults"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace perimeter::api
