// AccessPreviewFinding in AWS's shape (members of the model, no access details on error findings)
// and its stored form, which round-trips.
#include "perimeter/findings/access_preview_finding.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace perimeter::findings {
namespace {

AccessPreviewFinding Preview(FindingChangeType type, bool error) {
  AccessPreviewFinding preview;
  Finding& finding = preview.record.finding;
  finding.id = "11111111-2222-4333-8444-555555555555";
  finding.resource = "arn:aws:s3:::b";
  finding.resource_type = "AWS::S3::Bucket";
  finding.resource_owner_account = "111122223333";
  if (error) {
    finding.error = "INTERNAL_ERROR";
    finding.error_reason = "undecided";
  } else {
    finding.principal = {{"AWS", "*"}};
    finding.actions = {"s3:GetObject"};
    finding.is_public = true;
    finding.sources = {FindingSource{FindingSourceType::kBucketAcl, std::nullopt, std::nullopt}};
  }
  preview.record.status = FindingStatus::kResolved;
  preview.record.created_at = preview.record.analyzed_at = preview.record.updated_at =
      absl::FromUnixMillis(1714564800000);
  preview.change_type = type;
  if (type != FindingChangeType::kNew) {
    preview.existing_finding_id = "99999999-2222-4333-8444-555555555555";
    preview.existing_finding_status = FindingStatus::kActive;
  }
  return preview;
}

std::string Json(const AccessPreviewFinding& preview) {
  json::Writer w;
  WriteAccessPreviewFinding(w, preview, false);
  return std::move(w).Take();
}

struct ShapeCase {
  std::string label;
  AccessPreviewFinding preview;
  std::string expected;
  friend void PrintTo(const ShapeCase& c, std::ostream* out) { *out << c.label; }
};

class AccessPreviewFindingShape : public testing::TestWithParam<ShapeCase> {};

TEST_P(AccessPreviewFindingShape, IsTheModelsShape) {
  EXPECT_EQ(Json(GetParam().preview), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, AccessPreviewFindingShape,
    testing::ValuesIn(std::vector<ShapeCase>{
        {"ChangedAccess", Preview(FindingChangeType::kChanged, false),
         R"({"id":"11111111-2222-4333-8444-555555555555",)"
         R"("existingFindingId":"99999999-2222-4333-8444-555555555555",)"
         R"("existingFindingStatus":"ACTIVE","principal":{"AWS":"*"},"action":["s3:GetObject"],)"
         R"("condition":{},"resource":"arn:aws:s3:::b","isPublic":true,)"
         R"("resourceType":"AWS::S3::Bucket","createdAt":"2024-05-01T12:00:00.000Z",)"
         R"("changeType":"CHANGED","status":"RESOLVED","resourceOwnerAccount":"111122223333",)"
         R"("sources":[{"type":"BUCKET_ACL"}],"resourceControlPolicyRestriction":"NOT_APPLICABLE"})"},
        {"NewErrorFinding", Preview(FindingChangeType::kNew, true),
         R"({"id":"11111111-2222-4333-8444-555555555555","resource":"arn:aws:s3:::b",)"
         R"("resourceType":"AWS::S3::Bucket","createdAt":"2024-05-01T12:00:00.000Z",)"
         R"("changeType":"NEW","status":"RESOLVED","resourceOwnerAccount":"111122223333",)"
         R"("error":"INTERNAL_ERROR"})"},
    }),
    [](const testing::TestParamInfo<ShapeCase>& info) { return info.param.label; });

TEST(AccessPreviewFindingStore, RoundTrips) {
  std::vector<AccessPreviewFinding> findings = {Preview(FindingChangeType::kChanged, false),
                                                Preview(FindingChangeType::kNew, true),
                                                Preview(FindingChangeType::kUnchanged, false)};
  std::vector<base::Issue> issues;
  std::optional<std::vector<AccessPreviewFinding>> decoded =
      DecodeAccessPreviewFindings(EncodeAccessPreviewFindings(findings), issues);
  ASSERT_TRUE(decoded.has_value()) << issues.front().message;
  ASSERT_EQ(decoded->size(), findings.size());
  for (size_t i = 0; i < findings.size(); ++i) {
    EXPECT_EQ(Json((*decoded)[i]), Json(findings[i]));
    EXPECT_EQ((*decoded)[i].record.finding.error_reason, findings[i].record.finding.error_reason);
  }
}

TEST(AccessPreviewFindingStore, RefusesWhatItDidNotWrite) {
  for (std::string text : {"{}", R"([{"finding":{}}])", R"([{"changeType":"NEW"}])",
                           R"([{"finding":{},"changeType":"MOVED"}])"}) {
    std::vector<base::Issue> issues;
    EXPECT_FALSE(DecodeAccessPreviewFindings(text, issues).has_value()) << text;
    EXPECT_FALSE(issues.empty()) << text;
  }
}

}  // namespace
}  // namespace perimeter::findings
