#include "perimeter/api/console_input.h"

#include "gtest/gtest.h"

namespace perimeter::api {
namespace {

struct ConsoleCallCase {
  std::string name;
  std::string operation;
  std::string input;
  // Expected: the routed request, or the error code.
  std::map<std::string, std::string> labels;
  std::vector<std::pair<std::string, std::string>> query;
  std::string body;
  std::string error_code;
};

class ConsoleRestRequestTest : public ::testing::TestWithParam<ConsoleCallCase> {};

TEST_P(ConsoleRestRequestTest, SplitsTheInputAsTheBindingSays) {
  const ConsoleCallCase& c = GetParam();
  auto routed = ConsoleRestRequest(c.operation, c.input);
  if (!c.error_code.empty()) {
    ASSERT_TRUE(std::holds_alternative<AwsError>(routed));
    EXPECT_EQ(std::get<AwsError>(routed).code, c.error_code);
    return;
  }
  ASSERT_TRUE(std::holds_alternative<RestRequest>(routed)) << std::get<AwsError>(routed).message;
  const RestRequest& request = std::get<RestRequest>(routed);
  EXPECT_EQ(request.operation, c.operation);
  EXPECT_EQ(request.labels, c.labels);
  EXPECT_EQ(request.query, c.query);
  EXPECT_EQ(request.body, c.body);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ConsoleRestRequestTest,
    ::testing::Values(
        ConsoleCallCase{"GetLabelAndQuery",
                        "GetFinding",
                        R"({"id":"f1","analyzerArn":"arn:a"})",
                        {{"id", "f1"}},
                        {{"analyzerArn", "arn:a"}},
                        "",
                        ""},
        ConsoleCallCase{
            "PostBodyKeepsTypes",
            "ListFindings",
            R"({"analyzerArn":"arn:a","maxResults":50,"filter":{"status":{"eq":["ACTIVE"]}}})",
            {},
            {},
            R"({"analyzerArn":"arn:a","maxResults":50,"filter":{"status":{"eq":["ACTIVE"]}}})",
            ""},
        ConsoleCallCase{"LabelsLeaveTheBody",
                        "CreateArchiveRule",
                        R"({"analyzerName":"a","ruleName":"r","filter":{}})",
                        {{"analyzerName", "a"}},
                        {},
                        R"({"ruleName":"r","filter":{}})",
                        ""},
        ConsoleCallCase{"RepeatedQueryMember",
                        "UntagResource",
                        R"({"resourceArn":"arn:x","tagKeys":["a","b"]})",
                        {{"resourceArn", "arn:x"}},
                        {{"tagKeys", "a"}, {"tagKeys", "b"}},
                        "",
                        ""},
        ConsoleCallCase{"NumbersAndBooleansInQuery",
                        "ListAnalyzers",
                        R"({"maxResults":5,"type":"ACCOUNT"})",
                        {},
                        {{"maxResults", "5"}, {"type", "ACCOUNT"}},
                        "",
                        ""},
        ConsoleCallCase{"EmptyInputOfAPost", "ListFindings", "", {}, {}, "{}", ""},
        ConsoleCallCase{
            "UnknownOperation", "DropDatabase", "{}", {}, {}, "", "UnknownOperationException"},
        ConsoleCallCase{"MissingLabel", "GetAnalyzer", "{}", {}, {}, "", "ValidationException"},
        ConsoleCallCase{"LabelMustBeScalar",
                        "GetAnalyzer",
                        R"({"analyzerName":{"a":1}})",
                        {},
                        {},
                        "",
                        "ValidationException"},
        ConsoleCallCase{"NotAnObject", "ListAnalyzers", "[1]", {}, {}, "", "ValidationException"},
        ConsoleCallCase{"NotJson", "ListAnalyzers", "{", {}, {}, "", "ValidationException"}),
    [](const ::testing::TestParamInfo<ConsoleCallCase>& info) { return info.param.name; });

}  // namespace
}  // namespace perimeter::api
