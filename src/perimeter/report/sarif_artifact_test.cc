// SARIF artifact locations: URI references (RFC 3986) whatever the file name, standard input
// described rather than named.
#include "perimeter/report/sarif_artifact.h"

#include <string>

#include "gtest/gtest.h"
#include "perimeter/json/writer.h"

namespace perimeter::report {
namespace {

struct UriCase {
  const char* path;
  const char* uri;
};

class SarifUriTest : public testing::TestWithParam<UriCase> {};

TEST_P(SarifUriTest, IsAUriReference) { EXPECT_EQ(SarifUri(GetParam().path), GetParam().uri); }

INSTANTIATE_TEST_SUITE_P(
    Paths, SarifUriTest,
    testing::Values(UriCase{"tests/cases/validate/template.yaml",
                            "tests/cases/validate/template.yaml"},
                    UriCase{"/abs/a-b_c.~d", "/abs/a-b_c.~d"},
                    UriCase{"my templates/stack 1.yaml", "my%20templates/stack%201.yaml"},
                    UriCase{"<stdin>", "%3Cstdin%3E"}, UriCase{"100%.json", "100%25.json"},
                    UriCase{"dir\\file.json", "dir/file.json"},
                    UriCase{"caf\xC3\xA9.json", "caf%C3%A9.json"}));

TEST(SarifArtifactLocationTest, StandardInputHasADescriptionAndNoUri) {
  for (const char* name : {"-", "<stdin>"}) {
    json::Writer w;
    w.BeginObject();
    WriteSarifArtifactLocation(w, name);
    w.EndObject();
    EXPECT_EQ(std::move(w).Take(),
              R"({"artifactLocation":{"description":{"text":"standard input"}}})");
  }
}

}  // namespace
}  // namespace perimeter::report
