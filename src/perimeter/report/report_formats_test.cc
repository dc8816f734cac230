// The text formats (table, CSV) with hostile input: bytes that are not UTF-8 in a file name or a
// value, and CSV fields a spreadsheet would run as formulas.
#include "perimeter/report/report_formats.h"

#include <memory>
#include <sstream>
#include <string>

#include "gtest/gtest.h"

namespace perimeter::report {
namespace {

// One finding on `resource` granted to `principal`, and one input error read from `source`.
analysis::OfflineReport ReportWith(std::string resource, std::string principal,
                                   std::string source) {
  analysis::OfflineReport report;
  findings::FindingRecord record;
  record.finding.id = "f-1";
  record.finding.resource = std::move(resource);
  record.finding.resource_type = "AWS::S3::Bucket";
  record.finding.resource_owner_account = "111122223333";
  record.finding.principal = {{"AWS", std::move(principal)}};
  record.finding.actions = {"s3:GetObject"};
  record.status = findings::FindingStatus::kActive;
  report.findings.push_back(std::move(record));
  report.finding_resources.push_back(nullptr);
  report.errors.push_back(analysis::InputError{
      std::move(source),
      base::Issue{base::Severity::kError, "json.syntax", base::SourcePosition{}, "bad"}});
  return report;
}

struct TextCase {
  std::string name;
  std::string resource, principal, source;
  // Substrings the table and the CSV must hold.
  std::string table, csv;
};

class TextFormatsTest : public testing::TestWithParam<TextCase> {};

TEST_P(TextFormatsTest, WriteValidUtf8AndNeutraliseFormulas) {
  const TextCase& c = GetParam();
  analysis::OfflineReport report = ReportWith(c.resource, c.principal, c.source);
  std::string table = RenderTable(report, RenderOptions{});
  std::string csv = RenderCsv(report);
  EXPECT_NE(table.find(c.table), std::string::npos) << table;
  EXPECT_NE(csv.find(c.csv), std::string::npos) << csv;
  for (const std::string& text : {table, csv}) {
    EXPECT_EQ(text.find('\xE9'), std::string::npos) << "a byte that is not UTF-8 passed through";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TextFormatsTest,
    testing::Values(
        TextCase{"plain", "arn:aws:s3:::b", "999988887777", "in.json",
                 "EXTERNAL   AWS::S3::Bucket  arn:aws:s3:::b  999988887777  s3:GetObject",
                 "f-1,ACTIVE,false,AWS::S3::Bucket,arn:aws:s3:::b,111122223333,999988887777,"
                 "s3:GetObject,,\n"},
        TextCase{"latin1_file_name", "arn:aws:s3:::b", "999988887777", "caf\xE9.json",
                 "error: caf\xEF\xBF\xBD.json:", "arn:aws:s3:::b"},
        TextCase{"latin1_value", "arn:aws:s3:::caf\xE9", "9999\xE9", "in.json",
                 "arn:aws:s3:::caf\xEF\xBF\xBD  9999\xEF\xBF\xBD",
                 ",arn:aws:s3:::caf\xEF\xBF\xBD,111122223333,9999\xEF\xBF\xBD,"},
        TextCase{"formula_equals", "=HYPERLINK(\"http://x\")", "999988887777", "in.json",
                 "=HYPERLINK", ",\"'=HYPERLINK(\"\"http://x\"\")\","},
        TextCase{"formula_plus", "+1", "@SUM(A1)", "in.json", "+1", ",'+1,111122223333,'@SUM(A1),"},
        TextCase{"formula_minus", "-2", "999988887777", "in.json", "-2", ",'-2,"},
        TextCase{"formula_tab", "\tx", "999988887777", "in.json", "\tx", ",'\tx,"}),
    [](const testing::TestParamInfo<TextCase>& info) { return info.param.name; });

// Each format's stream writes a finding when it is added (the table waits for Finish: it lists
// public findings first), and the finished text is the Render* function's.
class ReportStreamTest : public testing::TestWithParam<Format> {};

TEST_P(ReportStreamTest, WritesEachFindingAsAddedAndEndsAsRender) {
  analysis::OfflineReport report = ReportWith("arn:aws:s3:::b", "999988887777", "in.json");
  resources::Resource resource;
  resource.source_name = "in.json";
  report.finding_resources[0] = &resource;
  std::ostringstream out;
  std::unique_ptr<ReportStream> stream = NewReportStream(GetParam(), RenderOptions{}, out);
  stream->Add(report.findings[0], resource);
  bool written = out.str().find("arn:aws:s3:::b") != std::string::npos;
  EXPECT_EQ(written, GetParam() != Format::kTable) << out.str();
  stream->Finish(report.summary, report.errors);
  std::string rendered;
  switch (GetParam()) {
    case Format::kTable:
      rendered = RenderTable(report, RenderOptions{});
      break;
    case Format::kJson:
      rendered = RenderJson(report);
      break;
    case Format::kSarif:
      rendered = RenderSarif(report);
      break;
    case Format::kAsff:
      rendered = RenderAsff(report);
      break;
    case Format::kCsv:
      rendered = RenderCsv(report);
      break;
  }
  EXPECT_EQ(out.str(), rendered);
}

INSTANTIATE_TEST_SUITE_P(Formats, ReportStreamTest,
                         testing::Values(Format::kTable, Format::kJson, Format::kSarif,
                                         Format::kAsff, Format::kCsv));

}  // namespace
}  // namespace perimeter::report
