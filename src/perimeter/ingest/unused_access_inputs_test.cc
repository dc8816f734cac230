// The readers of AWS's last-used exports on the bundled sample (samples/organization/unused/) and
// on hand-made variants: what each principal gets, and what stays unknown.
#include "perimeter/ingest/unused_access_inputs.h"

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace perimeter::ingest {
namespace {

using unused::IamPrincipal;
using unused::LastUsed;

std::string ReadSample(const std::string& name) {
  std::ifstream file(std::string(PERIMETER_SOURCE_DIR) + "/samples/organization/unused/" + name,
                     std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

absl::Time Time(const std::string& text) {
  absl::Time t;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, text, &t, &error)) << text;
  return t;
}

const IamPrincipal* Find(const std::vector<IamPrincipal>& principals, const std::string& arn) {
  for (const IamPrincipal& principal : principals) {
    if (principal.arn == arn) return &principal;
  }
  return nullptr;
}

std::vector<IamPrincipal> ReadAll(UnusedAccessInputs& inputs) {
  for (const char* name :
       {"authorization-details.json", "credential-report.csv", "activity.jsonl"}) {
    std::string text = ReadSample(name);
    std::optional<UnusedAccessInputKind> kind = DetectUnusedAccessInput(text);
    EXPECT_TRUE(kind.has_value()) << name;
    if (kind) inputs.Add(*kind, name, text);
  }
  return inputs.Principals();
}

TEST(UnusedAccessInputs, DetectsEachKind) {
  EXPECT_EQ(DetectUnusedAccessInput(ReadSample("authorization-details.json")),
            UnusedAccessInputKind::kAuthorizationDetails);
  EXPECT_EQ(DetectUnusedAccessInput(ReadSample("credential-report.csv")),
            UnusedAccessInputKind::kCredentialReport);
  EXPECT_EQ(DetectUnusedAccessInput(ReadSample("activity.jsonl")),
            UnusedAccessInputKind::kActivity);
  EXPECT_EQ(DetectUnusedAccessInput(R"({"Content": "dXNlcg==", "ReportFormat": "text/csv"})"),
            UnusedAccessInputKind::kCredentialReport);
  EXPECT_EQ(DetectUnusedAccessInput("hello"), std::nullopt);
}

TEST(UnusedAccessInputs, ReadsTheSample) {
  UnusedAccessInputs inputs;
  std::vector<IamPrincipal> principals = ReadAll(inputs);
  EXPECT_THAT(inputs.issues(), ::testing::IsEmpty());
  ASSERT_EQ(principals.size(), 4u);

  const IamPrincipal* deployer = Find(principals, "arn:aws:iam::444455556666:role/ci-deployer");
  ASSERT_NE(deployer, nullptr);
  EXPECT_EQ(deployer->account, "444455556666");
  EXPECT_EQ(deployer->role_last_used.state, LastUsed::State::kUsed);
  EXPECT_EQ(deployer->role_last_used.when, Time("2026-12-05T08:30:00Z"));
  ASSERT_EQ(deployer->policies.size(), 1u);
  EXPECT_EQ(deployer->policies[0].id, "deploy");
  EXPECT_FALSE(deployer->policies[0].managed);
  ASSERT_TRUE(deployer->services.has_value());
  ASSERT_EQ(deployer->services->size(), 2u);
  const unused::ServiceActivity& s3 = (*deployer->services)[0];
  ASSERT_TRUE(s3.actions.has_value());
  EXPECT_EQ(s3.actions->at("s3:GetObject").state, LastUsed::State::kUsed);
  EXPECT_EQ(s3.actions->at("s3:PutObject").state, LastUsed::State::kNeverUsed);
  EXPECT_EQ((*deployer->services)[1].last_authenticated.state, LastUsed::State::kNeverUsed);
  EXPECT_FALSE((*deployer->services)[1].actions.has_value());

  // An empty RoleLastUsed: not used within the tracking period.
  const IamPrincipal* batch = Find(principals, "arn:aws:iam::444455556666:role/legacy-batch");
  ASSERT_NE(batch, nullptr);
  EXPECT_EQ(batch->role_last_used.state, LastUsed::State::kNeverUsed);

  const IamPrincipal* alice = Find(principals, "arn:aws:iam::111122223333:user/alice");
  ASSERT_NE(alice, nullptr);
  EXPECT_EQ(alice->tags.at("team"), "platform");
  // The group's managed policy, resolved from the Policies list.
  ASSERT_EQ(alice->policies.size(), 1u);
  EXPECT_EQ(alice->policies[0].id, "arn:aws:iam::111122223333:policy/developer-access");
  EXPECT_TRUE(alice->policies[0].managed);
  EXPECT_EQ(alice->password_enabled, true);
  EXPECT_EQ(alice->password_last_used.when, Time("2025-05-20T16:00:00Z"));
  ASSERT_TRUE(alice->access_keys.has_value());
  ASSERT_EQ(alice->access_keys->size(), 2u);
  EXPECT_EQ((*alice->access_keys)[0].last_used.state, LastUsed::State::kUsed);
  EXPECT_EQ((*alice->access_keys)[1].id, "access_key_2");
  EXPECT_EQ((*alice->access_keys)[1].last_used.state, LastUsed::State::kNeverUsed);
  EXPECT_EQ((*alice->access_keys)[1].created, Time("2024-06-01T09:10:00Z"));
}

TEST(UnusedAccessInputs, MissingDataStaysUnknown) {
  UnusedAccessInputs inputs;
  inputs.Add(
      UnusedAccessInputKind::kAuthorizationDetails, "details.json",
      R"({"RoleDetailList":[{"Arn":"arn:aws:iam::111122223333:role/r","CreateDate":"2024-01-01T00:00:00Z",)"
      R"("AttachedManagedPolicies":[{"PolicyName":"gone","PolicyArn":"arn:aws:iam::aws:policy/Gone"}]}],)"
      R"("UserDetailList":[{"Arn":"arn:aws:iam::111122223333:user/u","CreateDate":"2024-01-01T00:00:00Z"}]})");
  std::vector<IamPrincipal> principals = inputs.Principals();
  ASSERT_EQ(principals.size(), 2u);
  EXPECT_EQ(principals[0].role_last_used.state, LastUsed::State::kUnknown);  // no RoleLastUsed
  EXPECT_THAT(principals[0].missing_policies,
              ::testing::ElementsAre("arn:aws:iam::aws:policy/Gone"));
  EXPECT_FALSE(principals[0].services.has_value());
  EXPECT_FALSE(principals[1].password_enabled.has_value());  // no credential report
  EXPECT_FALSE(principals[1].access_keys.has_value());
}

TEST(UnusedAccessInputs, CredentialReportAsTheCliPrintsIt) {
  std::string csv =
      "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
      "access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date\n"
      "u,arn:aws:iam::111122223333:user/u,2024-01-01T00:00:00+00:00,true,no_information,"
      "2024-01-01T00:00:00+00:00,true,2024-01-02T00:00:00+00:00,N/A\n";
  UnusedAccessInputs inputs;
  inputs.Add(
      UnusedAccessInputKind::kAuthorizationDetails, "details.json",
      R"({"UserDetailList":[{"Arn":"arn:aws:iam::111122223333:user/u","CreateDate":"2024-01-01T00:00:00Z"}]})");
  inputs.Add(UnusedAccessInputKind::kCredentialReport, "report.json",
             std::string(R"({"Content":")") + absl::Base64Escape(csv) +
                 R"(","ReportFormat":"text/csv","GeneratedTime":"2026-12-01T00:00:00Z"})");
  std::vector<IamPrincipal> principals = inputs.Principals();
  EXPECT_THAT(inputs.issues(), ::testing::IsEmpty());
  ASSERT_EQ(principals.size(), 1u);
  EXPECT_EQ(principals[0].password_last_used.state, LastUsed::State::kNeverUsed);
  ASSERT_TRUE(principals[0].access_keys.has_value());
  ASSERT_EQ(principals[0].access_keys->size(), 1u);
  EXPECT_EQ((*principals[0].access_keys)[0].last_used.state, LastUsed::State::kNeverUsed);
}

TEST(UnusedAccessInputs, AccessKeyLastUsedRecordsNameTheKeys) {
  UnusedAccessInputs inputs;
  inputs.Add(
      UnusedAccessInputKind::kAuthorizationDetails, "details.json",
      R"({"UserDetailList":[{"Arn":"arn:aws:iam::111122223333:user/u","CreateDate":"2024-01-01T00:00:00Z"}]})");
  inputs.Add(
      UnusedAccessInputKind::kActivity, "activity.jsonl",
      R"({"kind":"accessKeyLastUsed","userArn":"arn:aws:iam::111122223333:user/u","accessKeyId":"AKIAEXAMPLE1","status":"Active","createDate":"2024-01-02T00:00:00Z","details":{"UserName":"u","AccessKeyLastUsed":{"ServiceName":"N/A","Region":"N/A"}}})"
      "\n"
      R"({"kind":"serviceLastAccessed","principalArn":"arn:aws:iam::111122223333:user/u","details":{"JobStatus":"IN_PROGRESS","ServicesLastAccessed":[]}})"
      "\n");
  std::vector<IamPrincipal> principals = inputs.Principals();
  ASSERT_EQ(principals.size(), 1u);
  ASSERT_TRUE(principals[0].access_keys.has_value());
  EXPECT_EQ((*principals[0].access_keys)[0].id, "AKIAEXAMPLE1");
  EXPECT_EQ((*principals[0].access_keys)[0].last_used.state, LastUsed::State::kNeverUsed);
  // A job not COMPLETED gives no data: reported, and the services stay unknown.
  ASSERT_EQ(inputs.issues().size(), 1u);
  EXPECT_EQ(inputs.issues()[0].issue.code, "unused.incomplete");
  EXPECT_FALSE(principals[0].services.has_value());
}

}  // namespace
}  // namespace perimeter::ingest
