// Access previews through the Access Analyzer service, over the memory store and the inventory
// catalog the server uses: create -> get -> list previews -> list preview findings, compared with
// the analyzer's findings from the continuous analysis; archive rules, filters, pagination,
// clientToken idempotency, FAILED configurations and AWS's errors.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "perimeter/api/access_analyzer_service.h"
#include "perimeter/api/rest_routes.h"
#include "perimeter/base/text.h"
#include "perimeter/json/document.h"
#include "perimeter/service/continuous_analysis.h"
#include "perimeter/service/inventory_catalog.h"
#include "perimeter/store/memory/memory_store.h"
#include "tests/testing/rest_request.h"

namespace perimeter::api {
namespace {

constexpr char kAccount[] = "111122223333";
constexpr char kOther[] = "444455556666";
constexpr char kRegion[] = "us-east-1";
constexpr char kAnalyzer[] = "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/a";
constexpr char kRole[] = "arn:aws:iam::111122223333:role/deploy";
constexpr base::UnixMillis kStart = 1714564800000;  // 2024-05-01T12:00:00Z

std::string Trust(std::string_view account) {
  return base::Concat(
      R"("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::)",
      account, R"(:root\"},\"Action\":\"sts:AssumeRole\"}]}")");
}

// The inventory: a role trusting 999988887777 and 777788889999.
std::string Inventory() {
  return base::Concat(
      R"({"kind":"resource","resourceArn":"arn:aws:iam::111122223333:role/deploy",)",
      R"("resourceOwnerAccount":"111122223333","configuration":{"iamRole":{"trustPolicy":)",
      R"("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":)",
      R"([\"arn:aws:iam::999988887777:root\",\"arn:aws:iam::777788889999:root\"]},)",
      R"(\"Action\":\"sts:AssumeRole\"}]}"}}})", "\n");
}

struct Reply {
  int status = 0;
  std::string error_type;
  std::string body;
  json::ParseResult parsed;
  json::Value root() const { return parsed.document.root(); }
  // The text of a string member reached by a path of member names.
  std::string Text(std::initializer_list<std::string_view> path) const {
    std::optional<json::Value> value = root();
    for (std::string_view name : path) {
      if (!value || !value->is_object()) return "<none>";
      value = value->Find(name);
    }
    return value ? std::string(value->text()) : "<none>";
  }
};

class AccessPreviewApiTest : public testing::Test {
 protected:
  AccessPreviewApiTest() : clock_(kStart) {
    auto environment = std::make_shared<service::Environment>();
    environment->accounts = {{kAccount, "Main", {}, ""}, {kOther, "Other", {}, ""}};
    environment_ = environment;
    service::SplitInventory split =
        service::SplitInventoryFile("<test>", Inventory(), absl::FromUnixMillis(kStart));
    EXPECT_TRUE(split.issues.empty());
    EXPECT_TRUE(store_.PutInventory(split.records).ok());
    catalog_ = *service::InventoryCatalog::Load(store_);
    analysis_ = std::make_unique<service::ContinuousAnalysis>(
        store_, [this] { return environment_; }, [this] { return catalog_; }, clock_,
        absl::Hours(24 * 90));
    service_ = std::make_unique<AccessAnalyzerService>(
        store_, [this] { return environment_; }, [this] { return catalog_; }, clock_,
        [](service::ScanJob) {});
  }

  static Caller As(std::string_view account) {
    return Caller{std::string(account), base::Concat("arn:aws:iam::", account, ":user/admin"),
                  kRegion};
  }

  Reply Call(std::string_view method, std::string_view target, std::string body = "",
             std::string_view account = kAccount) {
    std::optional<RestRequest> request =
        perimeter_testing::RoutedRequest(method, target, std::move(body));
    if (!request) return Reply{};
    ApiResponse response = service_->Handle(As(account), *request);
    Reply reply;
    reply.status = response.status;
    reply.error_type = perimeter_testing::ErrorType(response);
    reply.body = response.body;
    reply.parsed = json::Parse(reply.body);
    EXPECT_TRUE(reply.parsed.ok()) << reply.body;
    return reply;
  }

  // An ACCOUNT analyzer with its findings from the continuous analysis (two: one per trusted
  // account), and an archive rule for 777788889999 applied to them.
  void SetUpAnalyzer() {
    ASSERT_EQ(Call("PUT", "/analyzer", R"({"analyzerName":"a","type":"ACCOUNT"})").status, 200);
    ASSERT_EQ(Call("PUT", "/analyzer/a/archive-rule",
                   R"({"ruleName":"partner","filter":{"principal.AWS":{"eq":["777788889999"]}}})")
                  .status,
              200);
    ASSERT_TRUE(analysis_->ScanAnalyzer(kAnalyzer).ok());
  }

  Reply CreatePreview(std::string_view configuration, std::string_view token = "") {
    std::string body = base::Concat(
        R"({"analyzerArn":")", kAnalyzer, R"(","configurations":{")", kRole, R"(":)", configuration,
        "}", token.empty() ? "" : base::Concat(R"(,"clientToken":")", token, R"(")"), "}");
    return Call("PUT", "/access-preview", body);
  }

  // "CHANGE STATUS EXISTING_STATUS PRINCIPAL" per finding of the page.
  static std::vector<std::string> Lines(const Reply& reply) {
    std::vector<std::string> lines;
    std::optional<json::Value> found = reply.root().Find("findings");
    if (!found) return lines;
    for (json::Value finding : found->children()) {
      std::optional<json::Value> existing = finding.Find("existingFindingStatus");
      std::optional<json::Value> principal = finding.Find("principal");
      lines.push_back(
          base::Concat(finding.Find("changeType")->text(), " ", finding.Find("status")->text(), " ",
                       existing ? existing->text() : "-", " ",
                       principal && principal->Find("AWS") ? principal->Find("AWS")->text() : "-"));
    }
    return lines;
  }

  base::FakeClock clock_;
  store::MemoryStore store_;
  std::shared_ptr<const service::Environment> environment_;
  std::shared_ptr<const service::ResourceCatalog> catalog_;
  std::unique_ptr<service::ContinuousAnalysis> analysis_;
  std::unique_ptr<AccessAnalyzerService> service_;
};

TEST_F(AccessPreviewApiTest, CreateGetListAndListFindings) {
  SetUpAnalyzer();
  ASSERT_EQ(store_.ListFindings(kAnalyzer)->size(), 2u);
  // 999988887777 kept, 777788889999 (archived) removed, 444455556666 added.
  std::string trust = base::Concat(
      R"("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":)",
      R"([\"arn:aws:iam::999988887777:root\",\"arn:aws:iam::444455556666:root\"]},)",
      R"(\"Action\":\"sts:AssumeRole\"}]}")");
  Reply created = CreatePreview(base::Concat(R"({"iamRole":{"trustPolicy":)", trust, "}}"));
  ASSERT_EQ(created.status, 200) << created.body;
  std::string id = created.Text({"id"});
  EXPECT_EQ(id.size(), 36u) << id;

  Reply got = Call("GET", base::Concat("/access-preview/", id, "?analyzerArn=", kAnalyzer));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.Text({"accessPreview", "status"}), "COMPLETED");
  EXPECT_EQ(got.Text({"accessPreview", "id"}), id);
  EXPECT_EQ(got.Text({"accessPreview", "analyzerArn"}), kAnalyzer);
  EXPECT_EQ(got.Text({"accessPreview", "createdAt"}), "2024-05-01T12:00:00.000Z");
  EXPECT_TRUE(got.root().Find("accessPreview")->Find("configurations")->Find(kRole).has_value());

  Reply listed = Call("POST", base::Concat("/access-preview/", id),
                      base::Concat(R"({"analyzerArn":")", kAnalyzer, R"("})"));
  ASSERT_EQ(listed.status, 200) << listed.body;
  std::vector<std::string> lines = Lines(listed);
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<std::string>{"CHANGED RESOLVED ARCHIVED 777788889999",
                                             "NEW ACTIVE - 444455556666",
                                             "UNCHANGED ACTIVE ACTIVE 999988887777"}));
  // Preview findings never touch the analyzer's own.
  std::vector<findings::FindingRecord> own = *store_.ListFindings(kAnalyzer);
  ASSERT_EQ(own.size(), 2u);
  for (const findings::FindingRecord& record : own) {
    EXPECT_NE(record.status, findings::FindingStatus::kResolved);
  }

  // Filtered as ListFindings filters; paged with nextToken.
  Reply active = Call("POST", base::Concat("/access-preview/", id),
                      base::Concat(R"({"analyzerArn":")", kAnalyzer,
                                   R"(","filter":{"status":{"eq":["ACTIVE"]}}})"));
  EXPECT_EQ(active.root().Find("findings")->size(), 2u) << active.body;
  Reply first = Call("POST", base::Concat("/access-preview/", id),
                     base::Concat(R"({"analyzerArn":")", kAnalyzer, R"(","maxResults":2})"));
  ASSERT_EQ(first.root().Find("findings")->size(), 2u);
  std::string token = first.Text({"nextToken"});
  Reply second =
      Call("POST", base::Concat("/access-preview/", id),
           base::Concat(R"({"analyzerArn":")", kAnalyzer, R"(","nextToken":")", token, R"("})"));
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.root().Find("findings")->size(), 1u);
  EXPECT_FALSE(second.root().Find("nextToken").has_value());

  Reply previews = Call("GET", base::Concat("/access-preview?analyzerArn=", kAnalyzer));
  ASSERT_EQ(previews.status, 200) << previews.body;
  ASSERT_EQ(previews.root().Find("accessPreviews")->size(), 1u);
  json::Value summary = *previews.root().Find("accessPreviews")->children().begin();
  EXPECT_EQ(summary.Find("id")->text(), id);
  EXPECT_EQ(summary.Find("status")->text(), "COMPLETED");
  EXPECT_FALSE(summary.Find("configurations").has_value());
}

TEST_F(AccessPreviewApiTest, ClientTokenAnswersTheRetryAndRefusesAnotherRequest) {
  SetUpAnalyzer();
  std::string configuration = base::Concat(R"({"iamRole":{"trustPolicy":)", Trust(kOther), "}}");
  Reply first = CreatePreview(configuration, "t-1");
  ASSERT_EQ(first.status, 200);
  clock_.Advance(1000);
  Reply retry = CreatePreview(configuration, "t-1");
  EXPECT_EQ(retry.Text({"id"}), first.Text({"id"}));
  EXPECT_EQ(store_.ListAccessPreviews(kAnalyzer)->size(), 1u);
  Reply conflict = CreatePreview(
      base::Concat(R"({"iamRole":{"trustPolicy":)", Trust("999988887777"), "}}"), "t-1");
  EXPECT_EQ(conflict.status, 409);
  EXPECT_EQ(conflict.error_type, "ConflictException");
  Reply other = CreatePreview(configuration, "t-2");
  EXPECT_NE(other.Text({"id"}), first.Text({"id"}));
}

TEST_F(AccessPreviewApiTest, InvalidConfigurationFailsThePreview) {
  SetUpAnalyzer();
  Reply created = CreatePreview(R"({"iamRole":{"trustPolicy":"{\"Version\":"}})");
  ASSERT_EQ(created.status, 200) << created.body;
  std::string id = created.Text({"id"});
  Reply got = Call("GET", base::Concat("/access-preview/", id, "?analyzerArn=", kAnalyzer));
  EXPECT_EQ(got.Text({"accessPreview", "status"}), "FAILED");
  EXPECT_EQ(got.Text({"accessPreview", "statusReason", "code"}), "INVALID_CONFIGURATION");
  EXPECT_NE(got.Text({"accessPreview", "statusReason", "message"}).find(kRole), std::string::npos);
  Reply listed = Call("POST", base::Concat("/access-preview/", id),
                      base::Concat(R"({"analyzerArn":")", kAnalyzer, R"("})"));
  EXPECT_EQ(listed.status, 409);
  EXPECT_EQ(listed.error_type, "ConflictException");
}

struct ErrorCase {
  std::string label;
  std::string method;
  std::string target;
  std::string body;
  std::string account;
  int status;
  std::string error_type;
  friend void PrintTo(const ErrorCase& c, std::ostream* out) { *out << c.label; }
};

class AccessPreviewErrorTest : public AccessPreviewApiTest,
                               public testing::WithParamInterface<ErrorCase> {};

TEST_P(AccessPreviewErrorTest, AnswersAwsError) {
  SetUpAnalyzer();
  ASSERT_EQ(Call("PUT", "/analyzer", R"({"analyzerName":"org","type":"ORGANIZATION"})").status, 400)
      << "no organization: the ORGANIZATION analyzer cannot exist here";
  const ErrorCase& c = GetParam();
  Reply reply = Call(c.method, c.target, c.body, c.account);
  EXPECT_EQ(reply.status, c.status) << reply.body;
  EXPECT_EQ(reply.error_type, c.error_type) << reply.body;
}

const std::string kConfigurations =
    base::Concat(R"("configurations":{"arn:aws:iam::111122223333:role/deploy":{"iamRole":{}}})");

INSTANTIATE_TEST_SUITE_P(
    Errors, AccessPreviewErrorTest,
    testing::ValuesIn(std::vector<ErrorCase>{
        {"MissingAnalyzerArn", "PUT", "/access-preview", base::Concat("{", kConfigurations, "}"),
         kAccount, 400, "ValidationException"},
        {"MissingConfigurations", "PUT", "/access-preview",
         base::Concat(R"({"analyzerArn":")", kAnalyzer, R"("})"), kAccount, 400,
         "ValidationException"},
        {"EmptyConfigurations", "PUT", "/access-preview",
         base::Concat(R"({"analyzerArn":")", kAnalyzer, R"(","configurations":{}})"), kAccount, 400,
         "ValidationException"},
        {"UnknownAnalyzer", "PUT", "/access-preview",
         base::Concat(
             R"({"analyzerArn":"arn:aws:access-analyzer:us-east-1:111122223333:analyzer/x",)",
             kConfigurations, "}"),
         kAccount, 404, "ResourceNotFoundException"},
        {"AnotherAccountsAnalyzer", "PUT", "/access-preview",
         base::Concat(R"({"analyzerArn":")", kAnalyzer, R"(",)", kConfigurations, "}"), kOther, 404,
         "ResourceNotFoundException"},
        {"UnknownPreview", "GET",
         base::Concat("/access-preview/00000000-0000-4000-8000-000000000000?analyzerArn=",
                      kAnalyzer),
         "", kAccount, 404, "ResourceNotFoundException"},
        {"GetWithoutAnalyzerArn", "GET", "/access-preview/00000000-0000-4000-8000-000000000000", "",
         kAccount, 400, "ValidationException"},
        {"ListWithoutAnalyzerArn", "GET", "/access-preview", "", kAccount, 400,
         "ValidationException"},
        {"FindingsOfUnknownPreview", "POST", "/access-preview/00000000-0000-4000-8000-000000000000",
         base::Concat(R"({"analyzerArn":")", kAnalyzer, R"("})"), kAccount, 404,
         "ResourceNotFoundException"},
    }),
    [](const testing::TestParamInfo<ErrorCase>& info) { return info.param.label; });

}  // namespace
}  // namespace perimeter::api
