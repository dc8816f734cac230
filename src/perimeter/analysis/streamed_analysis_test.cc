// The streamed analysis gives what reading the whole inventory and analyzing it gives: the same
// findings in the same order, the same errors in the same order, whatever the records' order (the
// environment after the resources, "kind" not first), duplicates and threads.
#include "perimeter/analysis/streamed_analysis.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/base/text.h"

namespace perimeter::analysis {
namespace {

// The lines of a text, split as resources::ReadInventory splits them.
class TextLines : public LineSource {
 public:
  explicit TextLines(std::string text) : text_(std::move(text)) {}
  bool NextLine(std::string& line, uint32_t& number, uint64_t& offset) override {
    if (done_) return false;
    size_t end = text_.find('\n', at_);
    if (end == std::string::npos) {
      end = text_.size();
      done_ = true;
    }
    line = text_.substr(at_, end - at_);
    number = ++number_;
    offset = at_;
    at_ = end + 1;
    return true;
  }
  bool Rewind() override {
    at_ = 0;
    number_ = 0;
    done_ = false;
    return true;
  }

 private:
  std::string text_;
  size_t at_ = 0;
  uint32_t number_ = 0;
  bool done_ = false;
};

class Collector : public FindingSink {
 public:
  void Add(const findings::FindingRecord& record, const resources::Resource& resource) override {
    out += base::Concat(record.finding.id, " ", record.finding.resource, " ",
                        base::ToString(resource.position), "\n");
  }
  std::string out;
};

std::string Queue(std::string_view name, std::string_view account, bool kind_first = true) {
  std::string body = base::Concat(
      R"("resourceArn":"arn:aws:sqs:us-east-1:111122223333:)", name,
      R"(","resourceOwnerAccount":"111122223333","configuration":{"sqsQueue":{"queuePolicy":{"Statement":[{"Effect":"Allow","Principal":{"AWS":")",
      account, R"("},"Action":"sqs:SendMessage","Resource":"*"}]}}})");
  return kind_first ? base::Concat(R"({"kind":"resource",)", body, "}")
                    : base::Concat("{", body, R"(,"kind":"resource"})");
}

const std::string kOrganization =
    R"({"kind":"organization","organizationId":"o-a1b2c3d4e5","managementAccount":"111122223333","accounts":[{"accountId":"111122223333"},{"accountId":"444455556666"}]})";

struct StreamCase {
  std::string name;
  std::vector<std::string> lines;
  ZoneChoice zone;
};

std::string Describe(const StreamedResult& result, const std::string& findings) {
  std::string out = findings;
  for (const InputError& error : result.errors) {
    out += base::Concat(error.source, ":", base::ToString(error.issue.position), " ",
                        error.issue.code, " ", error.issue.message, "\n");
  }
  const OfflineSummary& s = result.summary;
  return base::Concat(out, s.resources, " resources ", s.findings, " findings ", s.active,
                      " active ", s.input_errors, " errors");
}

class StreamedAnalysisTest : public testing::TestWithParam<StreamCase> {};

TEST_P(StreamedAnalysisTest, SameAsReadingTheWholeInventory) {
  const StreamCase& c = GetParam();
  std::string text;
  for (const std::string& line : c.lines) text += line + "\n";
  OfflineAnalysisOptions options;
  options.zone = c.zone;

  std::vector<resources::Inventory> whole = {resources::ReadInventory("inv.jsonl", text)};
  absl::StatusOr<OfflineReport> report = AnalyzeInventories(whole, options);
  ASSERT_TRUE(report.ok()) << report.status();
  std::string expected_findings;
  for (size_t i = 0; i < report->findings.size(); ++i) {
    expected_findings +=
        base::Concat(report->findings[i].finding.id, " ", report->findings[i].finding.resource, " ",
                     base::ToString(report->finding_resources[i]->position), "\n");
  }
  std::string expected =
      Describe(StreamedResult{report->summary, report->errors}, expected_findings);

  for (unsigned threads : {1u, 2u, 4u}) {
    TextLines lines(text);
    options.threads = threads;
    absl::StatusOr<std::unique_ptr<StreamedAnalysis>> analysis = StreamedAnalysis::Prepare(
        {AnalysisInput{.lines = &lines, .source_name = "inv.jsonl"}}, options);
    ASSERT_TRUE(analysis.ok()) << analysis.status();
    Collector collector;
    StreamedResult result = (*analysis)->Run(collector);
    EXPECT_EQ(Describe(result, collector.out), expected) << threads << " threads";
  }
}

std::vector<std::string> ManyQueues(int count, std::string_view account) {
  std::vector<std::string> lines;
  for (int i = 0; i < count; ++i) lines.push_back(Queue(base::Concat("q", i), account));
  return lines;
}

std::vector<std::string> Join(std::vector<std::vector<std::string>> parts) {
  std::vector<std::string> out;
  for (std::vector<std::string>& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

const ZoneChoice kOrgZone{ZoneChoice::Kind::kOrganization, "o-a1b2c3d4e5"};

INSTANTIATE_TEST_SUITE_P(
    Cases, StreamedAnalysisTest,
    testing::Values(
        StreamCase{"OrganizationFirst", Join({{kOrganization}, ManyQueues(40, "444455556666")}),
                   kOrgZone},
        // The organization comes last: the first pass reads it before any resource is analyzed,
        // so the member account is inside the zone for every queue.
        StreamCase{"OrganizationLast", Join({ManyQueues(40, "444455556666"), {kOrganization}}),
                   kOrgZone},
        StreamCase{"ExternalAccounts", ManyQueues(700, "999988887777"), {}},
        StreamCase{"KindNotFirstAndDuplicates",
                   {Queue("a", "999988887777"), Queue("b", "999988887777", false),
                    Queue("a", "999988887777", false), Queue("b", "999988887777"),
                    Queue("c", "999988887777", false), Queue("c", "999988887777", false)},
                   {}},
        StreamCase{"UnreadableRecords",
                   {"not json", Queue("a", "999988887777"), "", "  ",
                    R"({"kind":"resource","resourceArn":"arn:aws:sqs:us-east-1:111122223333:x"})",
                    R"({"kind":"account","accountId":"12"})", Queue("a", "999988887777"),
                    R"({"kind":"resource","bogus":1})", Queue("d", "*")},
                   {}}),
    [](const testing::TestParamInfo<StreamCase>& info) { return info.param.name; });

TEST(StreamedAnalysisTest, UnknownOrganizationFailsBeforeAnyFinding) {
  TextLines lines(Queue("a", "999988887777"));
  OfflineAnalysisOptions options;
  options.zone = kOrgZone;
  absl::StatusOr<std::unique_ptr<StreamedAnalysis>> analysis =
      StreamedAnalysis::Prepare({AnalysisInput{.lines = &lines, .source_name = "x"}}, options);
  EXPECT_EQ(analysis.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace perimeter::analysis
