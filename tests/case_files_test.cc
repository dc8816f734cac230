// The runner of the behaviour cases: every tests/cases/engine/*.test and
// tests/cases/resources/<type>/*.test is one test (the format: tests/cases/README.md and
// tests/testing/case_file.h). It fails when a file cannot be read, when the findings differ from
// the expected lines, and for engine cases when a witness is refused by the concrete evaluator or
// the cover check does not hold.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "perimeter/base/text.h"
#include "perimeter/eval/compiled_policy.h"
#include "perimeter/eval/request.h"
#include "perimeter/policy/policy_parser.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/finding_region.h"
#include "perimeter/reasoning/key_domain.h"
#include "perimeter/reasoning/policy_abstraction.h"
#include "perimeter/resources/analyze_resource.h"
#include "perimeter/resources/inventory.h"
#include "tests/testing/case_file.h"
#include "tests/testing/finding_lines.h"

namespace perimeter {
namespace {

using perimeter_testing::CaseFile;
using reasoning::AccessModel;
using reasoning::AnalysisResult;
using reasoning::ZoneOfTrust;

std::filesystem::path CasesDir() {
  return std::filesystem::path(PERIMETER_SOURCE_DIR) / "tests" / "cases";
}

// "engine/cross_account.test", "resources/s3_bucket/public_policy.test", ... in a stable order.
std::vector<std::string> CasePaths() {
  std::vector<std::string> paths;
  for (const char* area : {"engine", "resources"}) {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(CasesDir() / area)) {
      if (entry.is_regular_file() && entry.path().extension() == ".test") {
        paths.push_back(entry.path().lexically_relative(CasesDir()).string());
      }
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The value of the single directive `name`; a test failure when it is missing or repeated.
std::string OneValue(const CaseFile& file, std::string_view name) {
  std::vector<std::string> values = file.Values(name);
  EXPECT_EQ(values.size(), 1u) << "one \"" << name << ":\" directive expected";
  return values.empty() ? "" : values.front();
}

// A misspelt directive or block would be ignored and its check silently lost: every name must be
// one the area knows.
void ExpectOnlyKnownNames(const CaseFile& file, const std::set<std::string>& directives,
                          const std::set<std::string>& blocks) {
  for (const perimeter_testing::CaseDirective& directive : file.directives) {
    EXPECT_TRUE(directives.contains(directive.name))
        << "line " << directive.line << ": unknown directive \"" << directive.name << ":\"";
  }
  for (const perimeter_testing::CaseBlock& block : file.blocks) {
    EXPECT_TRUE(blocks.contains(block.name))
        << "line " << block.line - 1 << ": unknown block \"" << block.name << ":\"";
  }
  if (file.Values("organization").empty()) {
    EXPECT_TRUE(file.Values("member").empty()) << "member: lines need an organization: line";
  }
}

// The words of a directive's value, split at spaces.
std::vector<std::string> Words(const std::string& text) {
  std::istringstream in(text);
  return std::vector<std::string>(std::istream_iterator<std::string>(in),
                                  std::istream_iterator<std::string>());
}

// zone: account <id> | organization;  organization: <id> <management account>;
// member: <account> <ou path> (repeated). An account zone with an organization: line knows its
// organization (ZoneOfTrust::ForAccount with the organization).
ZoneOfTrust ReadZone(const CaseFile& file) {
  std::optional<reasoning::Organization> organization;
  std::vector<std::string> orgs = file.Values("organization");
  if (!orgs.empty()) {
    std::vector<std::string> words = Words(orgs.front());
    EXPECT_EQ(words.size(), 2u) << "organization: <id> <management account>";
    organization.emplace();
    organization->id = words.empty() ? "" : words[0];
    organization->management_account = words.size() < 2 ? "" : words[1];
    for (const std::string& member : file.Values("member")) {
      std::vector<std::string> parts = Words(member);
      EXPECT_EQ(parts.size(), 2u) << "member: <account> <ou path>";
      if (parts.size() == 2) organization->members.push_back({parts[0], parts[1]});
    }
  }
  std::vector<std::string> zone = Words(OneValue(file, "zone"));
  if (zone.size() == 1 && zone[0] == "organization" && organization.has_value()) {
    return ZoneOfTrust::ForOrganization(*organization);
  }
  if (zone.size() == 2 && zone[0] == "account") {
    return organization.has_value() ? ZoneOfTrust::ForAccount(zone[1], *organization)
                                    : ZoneOfTrust::ForAccount(zone[1]);
  }
  ADD_FAILURE() << "zone: account <id>, or zone: organization with an organization: line";
  return ZoneOfTrust::ForAccount("000000000000");
}

policy::Policy ReadPolicy(const std::string& text, policy::PolicyKind kind) {
  policy::PolicyParseResult parsed = policy::ParsePolicy(text, {.kind = kind});
  EXPECT_TRUE(parsed.policy.has_value()) << (parsed.issues.empty() ? "" : parsed.issues[0].message);
  return parsed.policy.value_or(policy::Policy{});
}

// ---- Engine cases: one policy on one resource, the model named by "resource:".

constexpr char kOwner[] = "123456789012";
constexpr char kPoint[] = "arn:aws:s3:us-east-1:123456789012:accesspoint/ap";
constexpr char kBucket[] = "arn:aws:s3:::bucket";

// What an engine case analyzes; the model points into the policies, so it is not moved.
struct EngineAnalysis {
  std::string resource;  // "queue", "role" or "access-point"
  policy::Policy policy;
  policy::Policy bucket_policy;  // access-point only
  AccessModel model;
  ZoneOfTrust zone = ZoneOfTrust::ForAccount(kOwner);
  AnalysisResult result;
};

// resource: queue         an SQS queue of 123456789012 with sqs:ReceiveMessage, SendMessage,
// DeleteMessage resource: role          a role's trust policy (sts:AssumeRole*, SetSourceIdentity,
// TagSession) resource: access-point  "policy:" is the access point's, "bucket policy:" the
// bucket's (a gate)
std::unique_ptr<EngineAnalysis> AnalyzeEngineCase(const CaseFile& file) {
  auto analysis = std::make_unique<EngineAnalysis>();
  analysis->resource = OneValue(file, "resource");
  analysis->zone = ReadZone(file);
  std::vector<std::string> policies = file.Blocks("policy");
  EXPECT_EQ(policies.size(), 1u) << "one \"policy:\" block expected";
  AccessModel& model = analysis->model;
  model.owner_account = kOwner;
  if (analysis->resource == "queue") {
    analysis->policy =
        ReadPolicy(policies.empty() ? "" : policies[0], policy::PolicyKind::kResource);
    model.resource_arn = "arn:aws:sqs:us-east-1:123456789012:queue";
    model.resource_type = "AWS::SQS::Queue";
    model.targets = {reasoning::ResourceTarget{
        {model.resource_arn}, {"sqs:ReceiveMessage", "sqs:SendMessage", "sqs:DeleteMessage"}}};
  } else if (analysis->resource == "role") {
    analysis->policy =
        ReadPolicy(policies.empty() ? "" : policies[0], policy::PolicyKind::kRoleTrust);
    model.resource_arn = "arn:aws:iam::123456789012:role/deploy";
    model.resource_type = "AWS::IAM::Role";
    model.policy_kind = policy::PolicyKind::kRoleTrust;
    model.targets = {reasoning::ResourceTarget{
        {model.resource_arn},
        {"sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity",
         "sts:SetSourceIdentity", "sts:TagSession"}}};
  } else if (analysis->resource == "access-point") {
    analysis->policy =
        ReadPolicy(policies.empty() ? "" : policies[0], policy::PolicyKind::kResource);
    std::vector<std::string> bucket = file.Blocks("bucket policy");
    EXPECT_EQ(bucket.size(), 1u) << "one \"bucket policy:\" block expected";
    analysis->bucket_policy =
        ReadPolicy(bucket.empty() ? "" : bucket[0], policy::PolicyKind::kResource);
    model.resource_arn = kBucket;
    model.resource_type = "AWS::S3::Bucket";
    const std::string point = kPoint;
    model.targets = {reasoning::ResourceTarget{
                         {point}, {"s3:ListBucket"}, reasoning::ArnPrefixMap{point, kBucket}},
                     reasoning::ResourceTarget{
                         {point + "/object/*"},
                         {"s3:GetObject", "s3:PutObject"},
                         reasoning::ArnPrefixMap{point + "/object/", std::string(kBucket) + "/"}}};
    model.policy_label = point;
    model.gate = reasoning::GatePolicy{&analysis->bucket_policy, policy::PolicyKind::kResource,
                                       "bucketPolicy"};
  } else {
    ADD_FAILURE() << "resource: queue, role or access-point";
  }
  model.policy = &analysis->policy;
  analysis->result = reasoning::AnalyzeExternalAccess(model, analysis->zone);
  return analysis;
}

// Every witness of a queue, read back as a request (its principal, with the organization its
// context names), is allowed by the concrete evaluator on the policy as written — unless the engine
// had to read the policy's variables more widely than the evaluator does (policy_abstraction.h). (A
// single-valued operator on a multivalued key, read as ForAnyValue, agrees with the evaluator on a
// witness: it carries one value, docs/simulate.md.)
void ExpectWitnessesAllowedByTheEvaluator(const EngineAnalysis& analysis) {
  bool widened =
      reasoning::BoundVariables(analysis.policy, reasoning::VariableBound::kAllowMore).changed;
  std::vector<base::Issue> issues;
  eval::CompiledPolicy compiled =
      eval::CompiledPolicy::Compile(analysis.policy, policy::PolicyKind::kResource, issues);
  for (const findings::Finding& f : analysis.result.findings) {
    if (f.error.has_value()) continue;
    ASSERT_TRUE(f.witness.has_value());
    const findings::Witness& w = *f.witness;
    absl::StatusOr<eval::RequestPrincipal> principal =
        eval::MakeRequestPrincipal(*eval::ParsePrincipalType(w.principal_type), w.principal);
    ASSERT_TRUE(principal.ok()) << w.principal;
    eval::Request request;
    request.principal = *principal;
    request.action = w.action;
    request.resource_arn = w.resource;
    request.resource_account = kOwner;
    for (const auto& [key, values] : w.context) {
      std::string lower = base::AsciiLower(key);
      if (lower == "aws:principalorgid") request.principal.org_id = values.front();
      if (lower == "aws:principalorgpaths") request.principal.org_paths = values;
      if (reasoning::IsMultivaluedKey(lower) || values.size() != 1) {
        request.context.SetMultivalued(lower, values);
      } else {
        request.context.Set(lower, values.front());
      }
    }
    eval::AddPrincipalContextKeys(request.principal, request.context);
    if (request.principal.is_iam())
      request.context.Set("kms:calleraccount", request.principal.account);
    EXPECT_EQ(eval::PolicyAloneAllows(compiled, request), !widened)
        << w.principal << " " << w.action;
    EXPECT_TRUE(reasoning::IsExternalRequest(request, analysis.zone)) << w.principal;
  }
}

// The cover check accepts the findings and notices when they are taken away or narrowed.
void ExpectCoverCheckNoticesMissingAccess(const EngineAnalysis& analysis) {
  const std::vector<findings::Finding>& found = analysis.result.findings;
  EXPECT_EQ(reasoning::FindUncoveredAccess(analysis.model, analysis.zone, found), std::nullopt);
  std::optional<std::string> with_none =
      reasoning::FindUncoveredAccess(analysis.model, analysis.zone, {});
  EXPECT_EQ(with_none.has_value(), !found.empty()) << with_none.value_or("");
  if (analysis.resource != "queue") return;
  for (size_t f = 0; f < found.size(); ++f) {
    // Without one of its actions, a finding no longer covers that action (no other finding lists it
    // for the same principal in these cases).
    std::vector<findings::Finding> narrowed = found;
    narrowed[f].actions.erase(narrowed[f].actions.begin());
    EXPECT_TRUE(reasoning::FindUncoveredAccess(analysis.model, analysis.zone, narrowed).has_value())
        << f;
    // A condition value the policy does not name covers nothing of what the policy allows.
    for (auto& [key, value] : narrowed[f].condition) {
      std::vector<findings::Finding> moved = found;
      moved[f].condition[key] = "not-a-value-of-the-policy";
      EXPECT_TRUE(reasoning::FindUncoveredAccess(analysis.model, analysis.zone, moved).has_value())
          << key;
    }
  }
}

void RunEngineCase(const CaseFile& file) {
  std::unique_ptr<EngineAnalysis> analysis = AnalyzeEngineCase(file);
  EXPECT_EQ(absl::StrJoin(perimeter_testing::FindingLines(analysis->result.findings,
                                                          perimeter_testing::Sources::kLeftOut),
                          "\n"),
            absl::StrJoin(file.expected, "\n"));
  for (const findings::Finding& f : analysis->result.findings) {
    if (f.error.has_value()) continue;
    EXPECT_TRUE(f.witness.has_value()) << "a finding without a witness";
    if (!f.witness.has_value()) continue;
    if (analysis->resource == "access-point") {
      EXPECT_TRUE(f.witness->resource.starts_with(kPoint)) << f.witness->resource;
      // The explanation names a statement of each policy.
      std::set<std::string> policies;
      for (const findings::StatementRef& ref : f.explanation) policies.insert(ref.policy);
      EXPECT_EQ(policies, (std::set<std::string>{kPoint, "bucketPolicy"}));
    }
  }
  if (analysis->resource == "queue") ExpectWitnessesAllowedByTheEvaluator(*analysis);
  ExpectCoverCheckNoticesMissingAccess(*analysis);
}

// ---- Resource cases: inventory records (docs/inventory.md), each "record:" block one record.

void RunResourceCase(const CaseFile& file) {
  std::string text;
  for (const std::string& record : file.Blocks("record")) {
    // The inventory is JSON Lines: the record's lines are joined into one (a line break in JSON is
    // always between tokens, so dropping the indentation keeps the record as written).
    std::string_view rest = record;
    while (!rest.empty()) {
      size_t end = rest.find('\n');
      std::string_view line = rest.substr(0, end);
      line.remove_prefix(std::min(line.find_first_not_of(' '), line.size()));
      text += line;
      if (end == std::string_view::npos) break;
      rest.remove_prefix(end + 1);
    }
    text += "\n";
  }
  resources::Inventory inventory = resources::ReadInventory("case.jsonl", text);
  for (const base::Issue& issue : inventory.issues) {
    ADD_FAILURE() << "inventory issue " << base::ToString(issue.position) << " (record "
                  << issue.position.line << "): " << issue.message;
  }
  ZoneOfTrust zone = ReadZone(file);
  std::vector<findings::Finding> found;
  std::string warnings;
  for (const resources::Resource& resource : inventory.resources) {
    resources::ResourceAnalysis analysis =
        resources::AnalyzeResource(resource, inventory.FindAccount(resource.owner_account), zone);
    for (findings::Finding& f : analysis.findings) {
      if (!f.error.has_value()) {
        EXPECT_TRUE(f.witness.has_value()) << f.resource;
        EXPECT_FALSE(f.explanation.empty()) << f.resource;
        EXPECT_EQ(f.resource_type, std::string(resources::ResourceTypeName(resource.type)));
        EXPECT_FALSE(f.id.empty());
      }
      found.push_back(std::move(f));
    }
    for (const base::Issue& issue : analysis.issues) {
      if (issue.severity == base::Severity::kError) ADD_FAILURE() << "issue: " << issue.message;
      warnings += issue.message + "\n";
    }
  }
  // Resource findings are compared in sorted order: the order of the types' findings is not a
  // contract.
  std::vector<std::string> lines =
      perimeter_testing::FindingLines(found, perimeter_testing::Sources::kShown);
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(absl::StrJoin(lines, "\n"), absl::StrJoin(file.expected, "\n"));
  for (const std::string& warning : file.Values("warning")) {
    EXPECT_NE(warnings.find(warning), std::string::npos)
        << "no warning containing \"" << warning << "\" in:\n"
        << warnings;
  }
}

class CaseFilesTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CaseFilesTest, MatchesTheExpectedFindings) {
  const std::string& path = GetParam();
  absl::StatusOr<CaseFile> file = perimeter_testing::ParseCaseFile(ReadFile(CasesDir() / path));
  ASSERT_TRUE(file.ok()) << path << ": " << file.status().message();
  SCOPED_TRACE(path);
  if (path.starts_with("engine/")) {
    ExpectOnlyKnownNames(*file, {"zone", "organization", "member", "resource"},
                         {"policy", "bucket policy"});
    RunEngineCase(*file);
  } else {
    ExpectOnlyKnownNames(*file, {"zone", "organization", "member", "warning"}, {"record"});
    RunResourceCase(*file);
  }
}

// "engine/cross_account.test" -> "engine_cross_account".
std::string TestName(const ::testing::TestParamInfo<std::string>& info) {
  std::string name = info.param.substr(0, info.param.size() - std::string_view(".test").size());
  for (char& c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

// A folder moved or emptied by mistake would pass silently: the cases counted when they were moved
// here from C++ tables (issue #14) are a floor.
TEST(CaseFilesCountTest, NoCaseIsLost) {
  std::vector<std::string> paths = CasePaths();
  auto in = [&](std::string_view prefix) {
    return std::count_if(paths.begin(), paths.end(),
                         [&](const std::string& path) { return path.starts_with(prefix); });
  };
  EXPECT_GE(in("engine/queue/"), 64);
  EXPECT_GE(in("engine/role_trust/"), 5);
  EXPECT_GE(in("engine/access_point/"), 6);
  EXPECT_GE(in("resources/"), 68);
}

INSTANTIATE_TEST_SUITE_P(Cases, CaseFilesTest, ::testing::ValuesIn(CasePaths()), TestName);

}  // namespace
}  // namespace perimeter
