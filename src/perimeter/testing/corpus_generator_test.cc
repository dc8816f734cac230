#include "perimeter/testing/corpus_generator.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/json/document.h"
#include "perimeter/policy/policy_parser.h"
#include "perimeter/resources/inventory.h"

namespace perimeter::corpus {
namespace {

// splitmix64's published output for state 0 (the reference implementation by S. Vigna,
// https://prng.di.unimi.it/splitmix64.c): the stream is the specified one, not a library's.
TEST(CorpusRandomTest, IsSplitMix64) {
  CorpusRandom r(0);
  EXPECT_EQ(r.Next(), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(r.Next(), 0x6e789e6aa1b965f4ULL);
  EXPECT_EQ(r.Next(), 0x06c45d188009454fULL);
}

TEST(CorpusRandomTest, RangesStayInBoundsAndReachEveryValue) {
  CorpusRandom r(7);
  std::set<int64_t> seen;
  for (int i = 0; i < 2000; ++i) {
    int64_t x = r.Between(-3, 3);
    ASSERT_GE(x, -3);
    ASSERT_LE(x, 3);
    seen.insert(x);
    ASSERT_LT(r.Below(5), 5u);
  }
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(CorpusRandom(1).Below(1), 0u);
}

TEST(CorpusRandomTest, RecordStreamsDependOnSeedAndIndex) {
  EXPECT_EQ(CorpusRandom::ForRecord(1, 5).Next(), CorpusRandom::ForRecord(1, 5).Next());
  EXPECT_NE(CorpusRandom::ForRecord(1, 5).Next(), CorpusRandom::ForRecord(1, 6).Next());
  EXPECT_NE(CorpusRandom::ForRecord(1, 5).Next(), CorpusRandom::ForRecord(2, 5).Next());
}

struct FormatCase {
  const char* name;
  CorpusFormat format;
};

class CorpusFormatTest : public ::testing::TestWithParam<FormatCase> {};

TEST_P(CorpusFormatTest, IsDeterministic) {
  CorpusOptions options;
  options.seed = 42;
  EXPECT_EQ(GenerateCorpus(options, 300, GetParam().format),
            GenerateCorpus(options, 300, GetParam().format));
}

TEST_P(CorpusFormatTest, IsPrefixStable) {
  CorpusOptions options;
  options.seed = 9;
  std::vector<std::string> small = GenerateCorpus(options, 120, GetParam().format);
  std::vector<std::string> large = GenerateCorpus(options, 700, GetParam().format);
  ASSERT_GT(large.size(), small.size());
  EXPECT_EQ(small, std::vector<std::string>(large.begin(), large.begin() + small.size()));
}

TEST_P(CorpusFormatTest, SeedsGiveDifferentCorpora) {
  CorpusOptions one, two;
  one.seed = 1;
  two.seed = 2;
  EXPECT_NE(GenerateCorpus(one, 50, GetParam().format), GenerateCorpus(two, 50, GetParam().format));
}

INSTANTIATE_TEST_SUITE_P(Formats, CorpusFormatTest,
                         ::testing::Values(FormatCase{"Lines", CorpusFormat::kLines},
                                           FormatCase{"Inventory", CorpusFormat::kInventory}),
                         [](const ::testing::TestParamInfo<FormatCase>& info) {
                           return info.param.name;
                         });

// FNV-1a of the first records of seed 1: a change of the generator's output (a reordered draw, a
// compiler that evaluates a draw in another order, a changed shape) shows here. When the shapes
// change on purpose, update the value and say so in the commit.
TEST(CorpusGeneratorTest, OutputIsPinned) {
  CorpusOptions options;
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (const std::string& line : GenerateCorpus(options, 200, CorpusFormat::kInventory)) {
    for (unsigned char c : line) hash = (hash ^ c) * 0x100000001b3ULL;
    hash = (hash ^ '\n') * 0x100000001b3ULL;
  }
  EXPECT_EQ(hash, 0x1922c70d49536d83ULL) << std::hex << hash;
}

// s3express:CreateSession supports no s3express:DataAccessPoint* key (Service Authorization
// Reference, Amazon S3 Express): directory buckets reach their access points' grants by repeating
// them in the bucket policy, never by a condition ValidatePolicy reports.
TEST(CorpusGeneratorTest, DirectoryBucketsUseNoKeyCreateSessionLacks) {
  CorpusOptions options;
  options.types = {resources::ResourceType::kS3ExpressDirectoryBucket};
  size_t with_access_points = 0;
  for (const std::string& line : GenerateCorpus(options, 300, CorpusFormat::kInventory)) {
    EXPECT_EQ(line.find("s3express:DataAccessPoint"), std::string::npos) << line;
    if (line.find("accessPointPolicy") != std::string::npos) ++with_access_points;
  }
  EXPECT_GT(with_access_points, 0u);
}

TEST(CorpusGeneratorTest, CoversEveryTypeAndFamily) {
  CorpusOptions options;
  std::set<resources::ResourceType> types;
  std::set<std::string> families;
  for (uint64_t i = 0; i < 3000; ++i) {
    CorpusRecord record = GenerateCorpusRecord(options, i);
    types.insert(record.type);
    for (const std::string& label : record.labels) {
      if (label.starts_with("family:")) families.insert(label.substr(7));
    }
  }
  EXPECT_EQ(types.size(), AllCorpusResourceTypes().size());
  for (CorpusShapeFamily family : AllCorpusShapeFamilies()) {
    EXPECT_TRUE(families.contains(std::string(CorpusShapeFamilyName(family))))
        << CorpusShapeFamilyName(family);
  }
}

TEST(CorpusGeneratorTest, FamiliesCanBeLeftOut) {
  CorpusOptions options;
  options.families.clear();
  for (uint64_t i = 0; i < 1500; ++i) {
    for (const std::string& label : GenerateCorpusRecord(options, i).labels) {
      ASSERT_FALSE(label.starts_with("family:")) << label;
    }
  }
}

TEST(CorpusGeneratorTest, TypesCanBeChosen) {
  CorpusOptions options;
  options.types = {resources::ResourceType::kIamRole, resources::ResourceType::kEbsSnapshot};
  for (uint64_t i = 0; i < 200; ++i) {
    resources::ResourceType type = GenerateCorpusRecord(options, i).type;
    EXPECT_TRUE(type == resources::ResourceType::kIamRole ||
                type == resources::ResourceType::kEbsSnapshot);
  }
}

TEST(CorpusGeneratorTest, NamesRoundTrip) {
  for (resources::ResourceType type : AllCorpusResourceTypes()) {
    EXPECT_EQ(ParseCorpusResourceType(resources::ResourceTypeName(type)), type);
  }
  for (CorpusShapeFamily family : AllCorpusShapeFamilies()) {
    EXPECT_EQ(ParseCorpusShapeFamily(CorpusShapeFamilyName(family)), family);
  }
  EXPECT_FALSE(ParseCorpusResourceType("AWS::Nope").has_value());
  EXPECT_FALSE(ParseCorpusShapeFamily("nope").has_value());
}

// Every policy of the lines format parses (as the differential test reads it), and the inventory is
// read without a single issue, with the organization of the options.
TEST(CorpusGeneratorTest, RecordsAreValid) {
  CorpusOptions options;
  options.seed = 5;
  for (const std::string& line : GenerateCorpus(options, 1500, CorpusFormat::kLines)) {
    json::ParseResult parsed = json::Parse(line);
    ASSERT_TRUE(parsed.ok()) << line;
    json::Value root = parsed.document.root();
    std::optional<json::Value> document = root.Find("policy");
    if (!document.has_value()) continue;  // snapshots
    policy::PolicyParseOptions parse_options;
    std::optional<json::Value> type = root.Find("resource_type");
    parse_options.kind = type.has_value() && type->text() == "AWS::IAM::Role"
                             ? policy::PolicyKind::kRoleTrust
                             : policy::PolicyKind::kResource;
    parse_options.enforce_size_limit = false;
    policy::PolicyParseResult policy = policy::ParsePolicy(*document, parse_options);
    EXPECT_TRUE(policy.ok()) << line << "\n"
                             << (policy.issues.empty() ? "" : policy.issues.front().message);
  }
  std::string text;
  for (const std::string& line : GenerateCorpus(options, 1500, CorpusFormat::kInventory))
    text += line + "\n";
  resources::Inventory inventory = resources::ReadInventory("corpus.jsonl", text);
  for (const base::Issue& issue : inventory.issues) {
    ADD_FAILURE() << base::ToString(issue.position) << ": " << issue.message;
  }
  EXPECT_EQ(inventory.resources.size(), 1500u);
  ASSERT_EQ(inventory.organizations.size(), 1u);
  EXPECT_EQ(inventory.organizations.front().organization.members.size(),
            CorpusOrganizationAccounts(options).size());
}

}  // namespace
}  // namespace perimeter::corpus
