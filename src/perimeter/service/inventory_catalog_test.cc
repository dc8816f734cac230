// Imports through POST /perimeter/import: which records a caller may import (ImportRefusal over
// SplitInventoryFile), and the catalog's claims when several accounts hold a record of one ARN.
#include "perimeter/service/inventory_catalog.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "perimeter/base/text.h"
#include "perimeter/store/memory/memory_store.h"

namespace perimeter::service {
namespace {

constexpr char kMgmt[] = "111122223333";
constexpr char kDev[] = "444455556666";
constexpr char kProd[] = "777788889999";

std::string Bucket(std::string_view name, std::string_view owner, bool is_public) {
  std::string policy =
      is_public
          ? base::Concat(
                R"(,"configuration":{"s3Bucket":{"bucketPolicy":"{\"Version\":\"2012-10-17\",)",
                R"(\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",)",
                R"(\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::)", name,
                R"(/*\"}]}"}})")
          : std::string(R"(,"configuration":{"s3Bucket":{}})");
  return base::Concat(R"({"kind":"resource","resourceArn":"arn:aws:s3:::)", name,
                      R"(","resourceType":"AWS::S3::Bucket","resourceOwnerAccount":")", owner,
                      R"(","region":"us-east-1")", policy, "}");
}

std::string Role(std::string_view arn_account, std::string_view owner) {
  return base::Concat(
      R"({"kind":"resource","resourceArn":"arn:aws:iam::)", arn_account,
      R"(:role/deploy","resourceType":"AWS::IAM::Role","resourceOwnerAccount":")", owner,
      R"(","configuration":{"iamRole":{"trustPolicy":"{\"Version\":\"2012-10-17\",)",
      R"(\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::999988887777:root\"},)",
      R"(\"Action\":\"sts:AssumeRole\"}]}"}}})");
}

std::string Account(std::string_view id) {
  return base::Concat(R"({"kind":"account","accountId":")", id, R"("})");
}

std::string Organization() {
  return base::Concat(
      R"({"kind":"organization","organizationId":"o-a1b2c3d4e5","managementAccount":")", kMgmt,
      R"(","accounts":[{"accountId":")", kMgmt, R"(","ouPath":"o-a1b2c3d4e5/r-ab12/"}]})");
}

std::string ManagedPolicy(std::string_view account, std::string_view arn) {
  return base::Concat(
      R"({"kind":"managedPolicy","accountId":")", account, R"(","arn":")", arn,
      R"(","policyName":"deploy","defaultVersionId":"v1","createDate":"2024-05-01T12:00:00Z",)",
      R"("policyVersionList":[{"versionId":"v1","isDefaultVersion":true,)",
      R"("document":"{\"Version\":\"2012-10-17\",\"Statement\":[]}"}]})");
}

struct ImportCase {
  std::string label;
  std::string caller;
  std::vector<std::string> records;
  // Empty: the import is allowed; otherwise a part of the refusal's message.
  std::string refusal;
  friend void PrintTo(const ImportCase& c, std::ostream* out) { *out << c.label; }
};

class ImportRefusalTest : public testing::TestWithParam<ImportCase> {};

TEST_P(ImportRefusalTest, ChecksEveryRecordsAccount) {
  std::string text;
  for (const std::string& record : GetParam().records) text += record + "\n";
  SplitInventory split = SplitInventoryFile("<test>", text, absl::UnixEpoch());
  ASSERT_EQ(split.skipped, 0u) << "the records are well formed";
  std::optional<std::string> refusal = ImportRefusal(split, GetParam().caller, std::string(kMgmt));
  if (GetParam().refusal.empty()) {
    EXPECT_FALSE(refusal.has_value()) << *refusal;
  } else {
    ASSERT_TRUE(refusal.has_value());
    EXPECT_NE(refusal->find(GetParam().refusal), std::string::npos) << *refusal;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Imports, ImportRefusalTest,
    testing::Values(
        ImportCase{"OwnBucket", kDev, {Bucket("dev-logs", kDev, true)}, ""},
        ImportCase{"OwnRoleAndAccount", kDev, {Role(kDev, kDev), Account(kDev)}, ""},
        ImportCase{"AnotherAccountsRoleClaimedAsOwn",
                   kDev,
                   {Role(kProd, kDev)},
                   "its ARN names account 777788889999, not its resourceOwnerAccount 444455556666"},
        ImportCase{
            "AnotherAccountsRoleAsItsOwner", kDev, {Role(kProd, kProd)}, "of account 777788889999"},
        ImportCase{"AnotherAccountsBucket",
                   kDev,
                   {Bucket("prod-data", kProd, true)},
                   "of account 777788889999"},
        // One foreign record refuses the whole import, however many records are the caller's.
        ImportCase{"OwnRecordsWithOneForeign",
                   kDev,
                   {Bucket("dev-logs", kDev, true), Role(kDev, kDev), Role(kProd, kDev)},
                   "arn:aws:iam::777788889999"},
        ImportCase{"AnotherAccountsAccountRecord",
                   kDev,
                   {Account(kProd)},
                   "may not import account 777788889999"},
        ImportCase{"OrganizationByMember", kDev, {Organization()}, "only the management account"},
        ImportCase{"OrganizationByManagement", kMgmt, {Organization()}, ""},
        ImportCase{"OwnManagedPolicy",
                   kDev,
                   {ManagedPolicy(kDev, "arn:aws:iam::444455556666:policy/deploy")},
                   ""},
        ImportCase{"AwsManagedPolicyAsOwnRecord",
                   kDev,
                   {ManagedPolicy(kDev, "arn:aws:iam::aws:policy/ReadOnlyAccess")},
                   ""},
        ImportCase{
            "AnotherAccountsManagedPolicy",
            kDev,
            {ManagedPolicy(kProd, "arn:aws:iam::777788889999:policy/deploy")},
            "may not import managedPolicy arn:aws:iam::777788889999:policy/deploy of account "
            "777788889999"}),
    [](const testing::TestParamInfo<ImportCase>& info) { return info.param.label; });

TEST(SplitInventoryFileTest, ResourceRecordsAreKeyedByOwner) {
  SplitInventory split = SplitInventoryFile(
      "<test>", Bucket("shared", kDev, false) + "\n" + Account(kDev) + "\n", absl::UnixEpoch());
  ASSERT_EQ(split.records.size(), 2u);
  EXPECT_EQ(split.records[0].owner, kDev);
  EXPECT_EQ(split.records[0].key, "arn:aws:s3:::shared");
  EXPECT_EQ(split.records[1].owner, "") << "account records have no owner";
}

TEST(SplitInventoryFileTest, ManagedPolicyOfAnotherAccountsArnIsSkipped) {
  SplitInventory split = SplitInventoryFile(
      "<test>", ManagedPolicy(kDev, "arn:aws:iam::777788889999:policy/deploy") + "\n",
      absl::UnixEpoch());
  EXPECT_TRUE(split.records.empty());
  EXPECT_EQ(split.skipped, 1u);
}

TEST(InventoryCatalogTest, LoadsManagedPoliciesByAccount) {
  store::MemoryStore store;
  SplitInventory split =
      SplitInventoryFile("<test>",
                         ManagedPolicy(kDev, "arn:aws:iam::444455556666:policy/deploy") + "\n" +
                             ManagedPolicy(kDev, "arn:aws:iam::aws:policy/ReadOnlyAccess") + "\n" +
                             ManagedPolicy(kProd, "arn:aws:iam::aws:policy/ReadOnlyAccess") + "\n",
                         absl::UnixEpoch());
  ASSERT_EQ(split.records.size(), 3u);
  EXPECT_EQ(split.records[0].kind, store::InventoryKind::kManagedPolicy);
  EXPECT_EQ(split.records[0].owner, kDev);
  ASSERT_TRUE(store.PutInventory(split.records).ok());
  auto catalog = InventoryCatalog::Load(store);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  const resources::Inventory& inventory = (*catalog)->inventory();
  EXPECT_TRUE(inventory.issues.empty());
  const resources::ManagedPolicy* own =
      inventory.FindManagedPolicy(kDev, "arn:aws:iam::444455556666:policy/deploy");
  ASSERT_NE(own, nullptr);
  ASSERT_EQ(own->versions.size(), 1u);
  EXPECT_EQ(own->versions[0].document, R"({"Version":"2012-10-17","Statement":[]})");
  EXPECT_EQ(own->create_date, absl::FromUnixSeconds(1714564800));
  EXPECT_NE(inventory.FindManagedPolicy(kProd, "arn:aws:iam::aws:policy/ReadOnlyAccess"), nullptr);
  EXPECT_EQ(inventory.FindManagedPolicy(kProd, "arn:aws:iam::444455556666:policy/deploy"), nullptr)
      << "each account reads its own records only";
}

TEST(ArnAccountTest, NamesTheAccountOfTheArn) {
  EXPECT_EQ(ArnAccount("arn:aws:iam::777788889999:role/x"), kProd);
  EXPECT_EQ(ArnAccount("arn:aws:sqs:us-east-1:444455556666:q"), kDev);
  EXPECT_EQ(ArnAccount("arn:aws:s3:::bucket"), "");
  EXPECT_EQ(ArnAccount("not-an-arn"), "");
}

// Two accounts' records of one bucket ARN (bucket ARNs name no account): both are kept by the store
// and the catalog, and each is analyzed as its owner's — one account's import neither replaces nor
// hides the other's public bucket.
TEST(InventoryCatalogTest, KeepsEveryOwnersClaimOnAnArnWithoutAccount) {
  store::MemoryStore store;
  SplitInventory prod =
      SplitInventoryFile("<prod>", Bucket("shared", kProd, true), absl::UnixEpoch());
  SplitInventory dev =
      SplitInventoryFile("<dev>", Bucket("shared", kDev, false), absl::UnixEpoch());
  ASSERT_FALSE(ImportRefusal(prod, kProd, std::nullopt).has_value());
  ASSERT_FALSE(ImportRefusal(dev, kDev, std::nullopt).has_value());
  ASSERT_TRUE(store.PutInventory(prod.records).ok());
  ASSERT_TRUE(store.PutInventory(dev.records).ok());
  absl::StatusOr<std::shared_ptr<const InventoryCatalog>> catalog = InventoryCatalog::Load(store);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  std::vector<ResourceSummary> claims = (*catalog)->FindClaims("arn:aws:s3:::shared");
  ASSERT_EQ(claims.size(), 2u);
  for (const ResourceSummary& claim : claims) {
    std::vector<findings::Finding> found =
        (*catalog)->AnalyzeClaim(claim, reasoning::ZoneOfTrust::ForAccount(claim.owner_account));
    if (claim.owner_account == kProd) {
      ASSERT_EQ(found.size(), 1u);
      EXPECT_TRUE(found[0].is_public);
      EXPECT_EQ(found[0].resource_owner_account, kProd);
    } else {
      EXPECT_EQ(claim.owner_account, kDev);
      EXPECT_TRUE(found.empty()) << "Dev's bucket has no policy";
    }
  }
}

}  // namespace
}  // namespace perimeter::service

namespace perimeter::service {
namespace {

// Everything a reader asks of a catalog, as text: Resources() in order, each ARN's claims, which
// claim an analysis of any owner reads, and the findings' ids of each claim for one zone of trust.
std::string Describe(const InventoryCatalog& catalog) {
  reasoning::ZoneOfTrust zone = reasoning::ZoneOfTrust::ForAccount(kMgmt, std::nullopt);
  std::string out;
  for (const ResourceSummary& resource : catalog.Resources()) {
    out += base::Concat(resource.arn, " ", resource.owner_account, " ", resource.type, " ",
                        resource.region, "\n  claims:");
    for (const ResourceSummary& claim : catalog.FindClaims(resource.arn))
      out += base::Concat(" ", claim.owner_account);
    out += base::Concat("\n  first: ", catalog.Find(resource.arn)->owner_account, "\n  findings:");
    for (const findings::Finding& finding : catalog.AnalyzeClaim(resource, zone))
      out += base::Concat(" ", finding.id);
    out += "\n";
  }
  return out;
}

std::vector<store::InventoryRecord> Records(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return SplitInventoryFile("<test>", text, absl::UnixEpoch()).records;
}

// WithResources answers as Load of the store with the same records put, step after step: replaced
// claims, a second account's claim on a bucket (ordered by owner), new resources, a claim put back.
TEST(InventoryCatalogWithResourcesTest, AnswersAsALoadOfTheSameRecords) {
  store::MemoryStore store;
  ASSERT_TRUE(store
                  .PutInventory(Records({Account(kMgmt), Account(kDev), Bucket("b", kProd, false),
                                         Bucket("c", kMgmt, true), Role(kDev, kDev)}))
                  .ok());
  std::shared_ptr<const InventoryCatalog> catalog = InventoryCatalog::Load(store).value();
  const std::vector<std::vector<std::string>> steps = {
      {Bucket("b", kProd, true)},
      {Bucket("b", kDev, true), Bucket("a", kMgmt, true)},
      {Bucket("b", kMgmt, false), Role(kMgmt, kMgmt)},
      {Bucket("c", kMgmt, false)},
      {Bucket("b", kProd, false), Bucket("c", kMgmt, true)},
  };
  for (size_t step = 0; step < steps.size(); ++step) {
    std::vector<store::InventoryRecord> records = Records(steps[step]);
    ASSERT_EQ(records.size(), steps[step].size());
    ASSERT_TRUE(store.PutInventory(records).ok());
    catalog = catalog->WithResources(records);
    EXPECT_GT(catalog->overlaid_claims(), 0u);
    EXPECT_EQ(Describe(*catalog), Describe(*InventoryCatalog::Load(store).value()))
        << "after step " << step;
  }
}

// Past kMaxOverlaidClaims the overlay is folded into a new flat catalog, with the same answers.
TEST(InventoryCatalogWithResourcesTest, FlattensALargeOverlay) {
  store::MemoryStore store;
  ASSERT_TRUE(store.PutInventory(Records({Account(kMgmt), Bucket("kept", kMgmt, true)})).ok());
  std::shared_ptr<const InventoryCatalog> catalog = InventoryCatalog::Load(store).value();
  std::vector<std::string> lines;
  for (size_t i = 0; i <= InventoryCatalog::kMaxOverlaidClaims; ++i)
    lines.push_back(Bucket(base::Concat("bulk-", i), i % 2 == 0 ? kMgmt : kDev, i % 3 == 0));
  std::vector<store::InventoryRecord> records = Records(lines);
  ASSERT_TRUE(store.PutInventory(records).ok());
  catalog = catalog->WithResources(records);
  EXPECT_EQ(catalog->overlaid_claims(), 0u);
  EXPECT_EQ(catalog->inventory().resources.size(), lines.size() + 1);
  EXPECT_EQ(Describe(*catalog), Describe(*InventoryCatalog::Load(store).value()));
}

}  // namespace
}  // namespace perimeter::service
