// What AnalyzeResource reports for each resource type is data: tests/cases/resources/<type>/*.test,
// run by tests/case_files_test.cc (format: tests/cases/README.md). Here stay the cases that check
// more than the one-line findings: where the issues of unreadable policies are placed.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/resources/analyze_resource.h"
#include "perimeter/resources/inventory.h"

namespace perimeter::resources {
namespace {

constexpr char kOwner[] = "123456789012";

// An inventory record of 123456789012 in us-east-1 whose configuration is {"<member>":{<body>}}.
std::string Resource1(const std::string &arn, const std::string &member, const std::string &body) {
  return R"({"kind":"resource","resourceArn":")" + arn +
         R"(","resourceOwnerAccount":"123456789012","region":"us-east-1","configuration":{")" +
         member + "\":{" + body + "}}}";
}

const std::string kDirectoryBucket =
    "arn:aws:s3express:us-east-1:123456789012:bucket/logs--use1-az4--x-s3";
const std::string kDirectoryPoint =
    "arn:aws:s3express:us-east-1:123456789012:accesspoint/reader--use1-az4--xa-s3";

// A record whose bucket policy and access point policy are both unreadable reports both, each at
// its own member, and the resource is one error finding (never "no access").
TEST(ResourceErrorsTest, EveryUnreadablePolicyOfARecordIsReported) {
  const std::string record =
      Resource1(kDirectoryBucket, "s3ExpressDirectoryBucket",
                R"("bucketPolicy":{"Version":"2012-10-17","Statement":[]},"accessPoints":{")" +
                    kDirectoryPoint +
                    R"(":{"accessPointPolicy":"{\"Version\":\"2012-10-17\",\"Statement\":"}})");
  Inventory inventory = ReadInventory("case.jsonl", record + "\n");
  ASSERT_EQ(inventory.resources.size(), 1u);
  ResourceAnalysis analysis =
      AnalyzeResource(inventory.resources[0], nullptr, reasoning::ZoneOfTrust::ForAccount(kOwner));
  ASSERT_EQ(analysis.findings.size(), 1u);
  EXPECT_TRUE(analysis.findings[0].error.has_value());
  std::vector<std::string> errors;
  for (const base::Issue &issue : analysis.issues) {
    if (issue.severity == base::Severity::kError) errors.push_back(issue.message);
  }
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].find("bucketPolicy"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find("accessPointPolicy"), std::string::npos) << errors[1];
}

// An error inside a policy held as a JSON string is reported where it is written in the file: the
// decoded place mapped back through the string's escapes.
TEST(ResourceErrorsTest, AnErrorInsideAStringPolicyIsPlacedInTheFile) {
  const std::string record = Resource1(
      "arn:aws:sqs:us-east-1:123456789012:q", "sqsQueue",
      R"("queuePolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sqs:SendMessage\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:SourceVpce\":}}}]}")");
  Inventory inventory = ReadInventory("case.jsonl", record + "\n");
  ASSERT_EQ(inventory.resources.size(), 1u);
  ResourceAnalysis analysis =
      AnalyzeResource(inventory.resources[0], nullptr, reasoning::ZoneOfTrust::ForAccount(kOwner));
  ASSERT_FALSE(analysis.issues.empty());
  const size_t at =
      record.find(R"(\"aws:SourceVpce\":})") + std::string(R"(\"aws:SourceVpce\":)").size();
  EXPECT_EQ(analysis.issues[0].position.line, 1u);
  EXPECT_EQ(analysis.issues[0].position.column, at + 1) << analysis.issues[0].message;
}

}  // namespace
}  // namespace perimeter::resources
