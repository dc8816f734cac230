// Which input files `perimeter analyze` streams (judged from their first lines), and the lines a
// FileLineSource gives: those resources::ReadInventory reads from the whole text, with their
// numbers and offsets, again after Rewind.
#include "perimeter/cli/input_files.h"

#include <fstream>
#include <string>

#include "gtest/gtest.h"
#include "tests/testing/scoped_temp_dir.h"

namespace perimeter::cli {
namespace {

struct StreamableCase {
  std::string name;
  std::string text;
  std::string format;
  bool streamable;
};

class StreamableInventoryTest : public testing::TestWithParam<StreamableCase> {};

TEST_P(StreamableInventoryTest, JudgesFromTheFirstLines) {
  const StreamableCase& c = GetParam();
  perimeter_testing::ScopedTempDir dir;
  std::string path = (dir.path() / "input.json").string();
  std::ofstream(path, std::ios::binary) << c.text;
  EXPECT_EQ(IsStreamableInventory(path, c.format), c.streamable);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, StreamableInventoryTest,
    testing::Values(
        StreamableCase{"JsonLines", "{\"kind\":\"account\"}\n{\"kind\":\"resource\"}\n", "auto",
                       true},
        StreamableCase{"BlankLinesFirst", "\n  \n{\"kind\":\"account\"}\n\n{\"a\":1}", "auto",
                       true},
        // One record only: read whole (DetectInputFormat decides, as before).
        StreamableCase{"OneLine", "{\"kind\":\"account\"}\n", "auto", false},
        StreamableCase{"PrettyObject", "{\n  \"configurationItems\": []\n}\n", "auto", false},
        StreamableCase{"Array", "[{\"kind\":\"account\"},\n{\"kind\":\"account\"}]\n", "auto",
                       false},
        StreamableCase{"FirstLineNotJson", "{\"kind\":\n\"account\"}\n{}\n", "auto", false},
        StreamableCase{"Yaml", "Resources:\n  Bucket:\n", "auto", false},
        StreamableCase{"InventoryNamed", "{\"kind\":\"account\"}\n", "inventory", true},
        StreamableCase{"InventoryArray", " [ ]", "inventory", false},
        StreamableCase{"OtherFormatNamed", "{\"a\":1}\n{\"b\":2}\n", "config", false},
        StreamableCase{"Empty", "", "auto", false}),
    [](const testing::TestParamInfo<StreamableCase>& info) { return info.param.name; });

TEST(FileLineSourceTest, GivesTheLinesNumbersAndOffsetsTwice) {
  perimeter_testing::ScopedTempDir dir;
  std::string path = (dir.path() / "inventory.jsonl").string();
  std::ofstream(path, std::ios::binary) << "{\"a\":1}\r\n\n  {\"b\":2}\n{\"c\":3}";
  FileLineSource source(path);
  ASSERT_TRUE(source.ok());
  for (int pass = 0; pass < 2; ++pass) {
    std::string got;
    std::string line;
    uint32_t number = 0;
    uint64_t offset = 0;
    while (source.NextLine(line, number, offset))
      got += std::to_string(number) + "@" + std::to_string(offset) + ":" + line + "|";
    EXPECT_EQ(got, "1@0:{\"a\":1}\r|2@9:|3@10:  {\"b\":2}|4@20:{\"c\":3}|") << "pass " << pass;
    ASSERT_TRUE(source.Rewind());
  }
  EXPECT_TRUE(source.ok());
}

TEST(FileLineSourceTest, AMissingFileIsNotOk) {
  perimeter_testing::ScopedTempDir dir;
  FileLineSource source((dir.path() / "missing.jsonl").string());
  std::string line;
  uint32_t number = 0;
  uint64_t offset = 0;
  EXPECT_FALSE(source.NextLine(line, number, offset));
  EXPECT_FALSE(source.ok());
}

}  // namespace
}  // namespace perimeter::cli
