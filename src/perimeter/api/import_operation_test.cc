#include "perimeter/api/import_operation.h"

#include <string>

#include "gtest/gtest.h"
#include "perimeter/json/document.h"

namespace perimeter::api {
namespace {

constexpr char kDev[] = "444455556666";
constexpr char kOwnBucket[] =
    R"({"kind":"resource","resourceArn":"arn:aws:s3:::dev-bucket","resourceType":"AWS::S3::Bucket",)"
    R"("resourceOwnerAccount":"444455556666","region":"us-east-1","configuration":{"s3Bucket":{}}})";
constexpr char kOtherBucket[] =
    R"({"kind":"resource","resourceArn":"arn:aws:s3:::prod-bucket","resourceType":"AWS::S3::Bucket",)"
    R"("resourceOwnerAccount":"777788889999","region":"us-east-1","configuration":{"s3Bucket":{}}})";

Caller Dev() { return Caller{kDev, "arn:aws:iam::444455556666:user/admin", "us-east-1"}; }

std::string ErrorType(const ApiResponse& response) {
  for (const auto& [name, value] : response.headers) {
    if (name == "x-amzn-ErrorType") return value;
  }
  return "";
}

TEST(ImportInventory, AppliesOwnRecordsAndSaysWhatWasImported) {
  int applied = 0;
  ApiResponse response =
      ImportInventory(Dev(), kOwnBucket, absl::UnixEpoch(), service::Environment{},
                      [&](const service::SplitInventory& split) {
                        applied += static_cast<int>(split.records.size());
                        return absl::OkStatus();
                      });
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(applied, 1);
  json::ParseResult body = json::Parse(response.body);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body.document.root().Find("imported")->text(), "1");
  EXPECT_EQ(body.document.root().Find("skipped")->text(), "0");
}

TEST(ImportInventory, AnotherAccountsRecordRefusesTheWholeImport) {
  bool applied = false;
  ApiResponse response = ImportInventory(
      Dev(), std::string(kOwnBucket) + "\n" + kOtherBucket + "\n", absl::UnixEpoch(),
      service::Environment{}, [&](const service::SplitInventory&) {
        applied = true;
        return absl::OkStatus();
      });
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(ErrorType(response), "AccessDeniedException");
  EXPECT_FALSE(applied) << "nothing of a refused import is written";
}

TEST(ImportInventory, AFailedApplyIsAnInternalError) {
  ApiResponse response = ImportInventory(
      Dev(), kOwnBucket, absl::UnixEpoch(), service::Environment{},
      [](const service::SplitInventory&) { return absl::UnavailableError("disk"); });
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(ErrorType(response), "InternalServerException");
}

}  // namespace
}  // namespace perimeter::api
