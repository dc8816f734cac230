// The one-line form of a request (request.h, DescribeRequest), used in the cover check's reasons
// and the differential test's reports.
#include "perimeter/eval/request.h"

#include <gtest/gtest.h>

namespace perimeter::eval {
namespace {

TEST(DescribeRequestTest, PrincipalActionResourceAndContext) {
  Request request;
  request.principal.type = PrincipalType::kIamRole;
  request.principal.id = "arn:aws:iam::111122223333:role/deploy";
  request.principal.org_id = "o-a1b2c3d4e5";
  request.action = "s3:GetObject";
  request.resource_arn = "arn:aws:s3:::bucket/key";
  request.context.Set("aws:sourceip", "203.0.113.7");
  request.context.SetMultivalued("aws:tagkeys", {"team", "env"});
  request.context.SetMultivalued("aws:calledvia", {});
  std::string text = DescribeRequest(request);
  EXPECT_TRUE(text.starts_with(
      "IAMRole arn:aws:iam::111122223333:role/deploy (org o-a1b2c3d4e5) s3:GetObject "
      "arn:aws:s3:::bucket/key "))
      << text;
  EXPECT_NE(text.find(" aws:sourceip=203.0.113.7"), std::string::npos) << text;
  EXPECT_NE(text.find(" aws:tagkeys=[team,env]"), std::string::npos) << text;
  EXPECT_NE(text.find(" aws:calledvia=[]"), std::string::npos) << text;
}

TEST(DescribeRequestTest, WithoutOrganizationOrContext) {
  Request request;
  request.principal.type = PrincipalType::kAnonymous;
  request.action = "sqs:SendMessage";
  request.resource_arn = "*";
  EXPECT_EQ(DescribeRequest(request), "Anonymous  sqs:SendMessage *");
}

}  // namespace
}  // namespace perimeter::eval
