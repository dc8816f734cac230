#include "perimeter/collect/xml.h"

#include "gtest/gtest.h"

namespace perimeter::collect {
namespace {

TEST(ParseXmlTest, ElementsTextAndPaths) {
  absl::StatusOr<std::unique_ptr<XmlElement>> root = ParseXml(
      "<?xml version=\"1.0\"?>\n<ListRolesResponse "
      "xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
      "<ListRolesResult><Roles><member><Arn>a&amp;b</Arn></member><member><Arn>c</Arn></member>"
      "</Roles><IsTruncated>false</IsTruncated></ListRolesResult></ListRolesResponse>");
  ASSERT_TRUE(root.ok()) << root.status();
  EXPECT_EQ((*root)->name, "ListRolesResponse");
  EXPECT_EQ((*root)->Text("ListRolesResult/IsTruncated"), "false");
  const XmlElement* roles = (*root)->Find("ListRolesResult/Roles");
  ASSERT_NE(roles, nullptr);
  ASSERT_EQ(roles->Children("member").size(), 2u);
  EXPECT_EQ(roles->Children("member")[0]->Text("Arn"), "a&b");
  EXPECT_EQ((*root)->Text("ListRolesResult/Marker"), std::nullopt);
}

TEST(ParseXmlTest, MalformedAndDoctypeAreErrors) {
  EXPECT_EQ(ParseXml("<a><b></a>").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ParseXml("").status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ParseXml("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>").status().code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace perimeter::collect
