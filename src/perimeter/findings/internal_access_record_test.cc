// Internal-access findings as the store and the API keep them (internal_access_record.h): the
// conversion keeps the access and the InternalAccessDetails, GetFindingV2 and ListFindingsV2 write
// AWS's shapes (Access Analyzer API Reference, "InternalAccessDetails", "FindingSummaryV2"), and
// the details read back.
#include "perimeter/findings/internal_access_record.h"

#include <gtest/gtest.h>

#include <string>

#include "perimeter/findings/finding_json.h"
#include "perimeter/json/document.h"

namespace perimeter::findings {
namespace {

InternalAccessFinding Sample() {
  InternalAccessFinding finding;
  finding.id = "id-1";
  finding.resource = "arn:aws:s3:::example-prod-exports";
  finding.resource_type = "AWS::S3::Bucket";
  finding.resource_owner_account = "444455556666";
  finding.principal = {{"AWS", "arn:aws:iam::555566667777:role/analytics"}};
  finding.principal_owner_account = "555566667777";
  finding.principal_type = InternalPrincipalType::kIamRole;
  finding.access_type = InternalAccessType::kIntraOrg;
  finding.actions = {"s3:GetObject"};
  finding.sources = {FindingSource{}};
  finding.service_control_policy_restriction = ControlPolicyRestriction::kApplied;
  finding.resource_control_policy_restriction = ControlPolicyRestriction::kFailedToEvaluate;
  return finding;
}

TEST(InternalAccessRecordTest, ConvertsAccessAndDetails) {
  Finding finding = ToFinding(Sample());
  EXPECT_EQ(finding.type, FindingType::kInternalAccess);
  EXPECT_EQ(finding.principal.at("AWS"), "arn:aws:iam::555566667777:role/analytics");
  EXPECT_EQ(finding.actions, std::vector<std::string>{"s3:GetObject"});
  ASSERT_TRUE(finding.internal_details.has_value());
  EXPECT_EQ(finding.internal_details->access_type, InternalAccessType::kIntraOrg);
  EXPECT_EQ(finding.internal_details->principal_owner_account, "555566667777");
  EXPECT_NE(FindingKey(finding), FindingKey([&] {
              Finding external = finding;
              external.type = FindingType::kExternalAccess;
              return external;
            }()))
      << "an internal finding is not the external finding of the same access";

  InternalAccessFinding error = Sample();
  error.error = "INTERNAL_ERROR";
  EXPECT_FALSE(ToFinding(error).internal_details.has_value());
}

TEST(InternalAccessRecordTest, GetFindingV2WritesInternalAccessDetails) {
  FindingRecord record;
  record.finding = ToFinding(Sample());
  json::ParseResult parsed = json::Parse(GetFindingV2ResponseJson(record));
  ASSERT_TRUE(parsed.ok());
  json::Value root = parsed.document.root();
  EXPECT_EQ(root.Find("findingType")->text(), "InternalAccess");
  json::Value details = *root.Find("findingDetails");
  ASSERT_EQ(details.size(), 1u);
  json::Value internal = *(*details.children().begin()).Find("internalAccessDetails");
  EXPECT_EQ(internal.Find("accessType")->text(), "INTRA_ORG");
  EXPECT_EQ(internal.Find("principalType")->text(), "IAM_ROLE");
  EXPECT_EQ(internal.Find("principalOwnerAccount")->text(), "555566667777");
  EXPECT_EQ(internal.Find("serviceControlPolicyRestriction")->text(), "APPLIED");
  EXPECT_EQ(internal.Find("resourceControlPolicyRestriction")->text(), "FAILED_TO_EVALUATE_RCP");
  EXPECT_EQ(internal.Find("principal")->Find("AWS")->text(),
            "arn:aws:iam::555566667777:role/analytics");
  EXPECT_TRUE(internal.Find("sources").has_value());
  EXPECT_FALSE(internal.Find("isPublic").has_value()) << "not a member of InternalAccessDetails";

  std::optional<InternalAccessDetails> read = ParseInternalAccessDetails(internal);
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(*read, *record.finding.internal_details);

  json::ParseResult listed = json::Parse(ListFindingsV2ResponseJson({&record, 1}, std::nullopt));
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(
      (*(*listed.document.root().Find("findings")).children().begin()).Find("findingType")->text(),
      "InternalAccess");
}

TEST(InternalAccessRecordTest, ErrorFindingsHaveNoDetails) {
  InternalAccessFinding error = Sample();
  error.error = "INTERNAL_ERROR";
  FindingRecord record;
  record.finding = ToFinding(error);
  json::ParseResult parsed = json::Parse(GetFindingV2ResponseJson(record));
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.document.root().Find("findingDetails")->size(), 0u);
  EXPECT_EQ(parsed.document.root().Find("error")->text(), "INTERNAL_ERROR");
}

}  // namespace
}  // namespace perimeter::findings
