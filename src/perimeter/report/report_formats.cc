#include "perimeter/report/report_formats.h"

#include <algorithm>
#include <cstdio>
#include <numeric>

#include "nlohmann/json.hpp"
#include "perimeter/base/text.h"
#include "perimeter/findings/finding_json.h"

namespace perimeter::report {
namespace {

using findings::Finding;
using findings::FindingRecord;
using nlohmann::ordered_json;

std::string PrincipalText(const Finding& finding) {
  std::string out;
  for (const auto& [kind, value] : finding.principal) {
    if (!out.empty()) out += ",";
    out += kind == "AWS" ? value : kind + ":" + value;
  }
  return out;
}

std::string ConditionText(const Finding& finding) {
  std::string out;
  for (const auto& [key, value] : finding.condition) {
    if (!out.empty()) out += " ";
    out += key + "=" + value;
  }
  return out;
}

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out.append(separator);
    out += item;
  }
  return out;
}

// Findings in reading order for people: public first, then by resource, keeping input order otherwise.
std::vector<size_t> DisplayOrder(const analysis::OfflineReport& report) {
  std::vector<size_t> order(report.findings.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return report.findings[a].finding.is_public && !report.findings[b].finding.is_public;
  });
  return order;
}

std::string_view RuleId(const Finding& finding) {
  if (finding.error.has_value()) return "perimeter/analysis-error";
  return finding.is_public ? "perimeter/public-access" : "perimeter/external-access";
}

std::string Describe(const Finding& finding) {
  if (finding.error.has_value()) {
    return base::Concat(finding.resource, ": the analysis could not decide (", *finding.error, "): ",
                        finding.error_reason);
  }
  std::string text = base::Concat(finding.resource, " (", finding.resource_type, ") is ",
                                  finding.is_public ? "public: " : "shared outside the zone of trust: ",
                                  PrincipalText(finding), " can ", Join(finding.actions, ", "));
  if (!finding.condition.empty()) text += base::Concat(" when ", ConditionText(finding));
  return text;
}

// Security Hub resource types for the resource types Access Analyzer covers.
std::string_view AsffResourceType(std::string_view type) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {"AWS::S3::Bucket", "AwsS3Bucket"},
      {"AWS::IAM::Role", "AwsIamRole"},
      {"AWS::KMS::Key", "AwsKmsKey"},
      {"AWS::Lambda::Function", "AwsLambdaFunction"},
      {"AWS::Lambda::LayerVersion", "AwsLambdaLayerVersion"},
      {"AWS::SQS::Queue", "AwsSqsQueue"},
      {"AWS::SNS::Topic", "AwsSnsTopic"},
      {"AWS::SecretsManager::Secret", "AwsSecretsManagerSecret"},
      {"AWS::ECR::Repository", "AwsEcrRepository"},
      {"AWS::EFS::FileSystem", "AwsEfsFileSystem"},
      {"AWS::DynamoDB::Table", "AwsDynamoDbTable"},
      {"AWS::EC2::Snapshot", "AwsEc2Snapshot"},
      {"AWS::RDS::DBSnapshot", "AwsRdsDbSnapshot"},
      {"AWS::RDS::DBClusterSnapshot", "AwsRdsDbClusterSnapshot"},
  };
  for (const auto& [aws, asff] : kTypes) {
    if (aws == type) return asff;
  }
  return "Other";
}

// Where a SARIF result points: the first statement that grants the access (explanations carry
// positions in the source file: resources::ParsePolicySource), else the resource's record or policy.
base::SourcePosition ResultPosition(const Finding& finding, const resources::Resource& resource) {
  if (!finding.explanation.empty() && finding.explanation.front().position.line > 0) {
    return finding.explanation.front().position;
  }
  return resource.position;
}

ordered_json PhysicalLocation(const std::string& uri, const base::SourcePosition& position) {
  return {{"artifactLocation", {{"uri", uri}}},
          {"region", {{"startLine", position.line}, {"startColumn", position.column}}}};
}

std::string CsvField(std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::optional<Format> ParseFormat(std::string_view name) {
  if (name == "table") return Format::kTable;
  if (name == "json") return Format::kJson;
  if (name == "sarif") return Format::kSarif;
  if (name == "asff") return Format::kAsff;
  if (name == "csv") return Format::kCsv;
  return std::nullopt;
}

std::string SummaryLine(const analysis::OfflineSummary& s) {
  char seconds[32];
  std::snprintf(seconds, sizeof(seconds), "%.2f", s.seconds);
  return base::Concat(s.resources, " resources, ", s.findings, " findings (", s.active, " active, ", s.archived,
                      " archived, ", s.public_findings, " public, ", s.error_findings, " undecided), ",
                      s.input_errors, " input errors, ", std::string_view(seconds), " s");
}

std::string RenderJson(const analysis::OfflineReport& report) {
  ordered_json out;
  out["findings"] = ordered_json::array();
  for (const FindingRecord& record : report.findings) {
    ordered_json finding = ordered_json::parse(
        findings::FindingToJson(record, findings::JsonOptions{.perimeter_extras = true, .indent = -1}));
    out["findings"].push_back(std::move(finding));
  }
  const analysis::OfflineSummary& s = report.summary;
  out["summary"] = {{"resources", s.resources},          {"findings", s.findings},
                    {"active", s.active},                {"archived", s.archived},
                    {"public", s.public_findings},       {"undecided", s.error_findings},
                    {"inputErrors", s.input_errors},     {"seconds", s.seconds}};
  out["errors"] = ordered_json::array();
  for (const analysis::InputError& error : report.errors) {
    out["errors"].push_back({{"source", error.source},
                             {"line", error.issue.position.line},
                             {"column", error.issue.position.column},
                             {"severity", base::SeverityName(error.issue.severity)},
                             {"code", error.issue.code},
                             {"message", error.issue.message}});
  }
  return out.dump(2) + "\n";
}

std::string RenderTable(const analysis::OfflineReport& report, const RenderOptions& options) {
  std::string out;
  auto paint = [&](std::string_view code, std::string_view text) {
    return options.color ? base::Concat("\x1b[", code, "m", text, "\x1b[0m") : std::string(text);
  };
  for (size_t index : DisplayOrder(report)) {
    const FindingRecord& record = report.findings[index];
    const Finding& f = record.finding;
    std::string label = f.error.has_value() ? paint("35", "UNDECIDED")
                        : f.is_public        ? paint("1;31", "PUBLIC   ")
                                             : paint("33", "EXTERNAL ");
    if (record.status == findings::FindingStatus::kArchived) label = paint("2", "ARCHIVED ");
    out += base::Concat(label, "  ", f.resource_type, "  ", f.resource, "  ");
    if (f.error.has_value()) {
      out += f.error_reason;
    } else {
      out += base::Concat(PrincipalText(f), "  ", Join(f.actions, ","));
      if (!f.condition.empty()) out += base::Concat("  if ", ConditionText(f));
    }
    out += "\n";
  }
  for (const analysis::InputError& error : report.errors) {
    out += base::Concat(paint("31", "error"), ": ", error.source, ":", base::ToString(error.issue.position), ": ",
                        error.issue.message, " [", error.issue.code, "]\n");
  }
  return out;
}

std::string RenderCsv(const analysis::OfflineReport& report) {
  std::string out =
      "id,status,isPublic,resourceType,resource,resourceOwnerAccount,principal,actions,condition,error\n";
  for (const FindingRecord& record : report.findings) {
    const Finding& f = record.finding;
    std::vector<std::string> fields = {f.id,
                                       std::string(findings::FindingStatusName(record.status)),
                                       f.is_public ? "true" : "false",
                                       f.resource_type,
                                       f.resource,
                                       f.resource_owner_account,
                                       PrincipalText(f),
                                       Join(f.actions, " "),
                                       ConditionText(f),
                                       f.error.has_value() ? base::Concat(*f.error, ": ", f.error_reason) : ""};
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out += ",";
      out += CsvField(fields[i]);
    }
    out += "\n";
  }
  return out;
}

std::string RenderSarif(const analysis::OfflineReport& report) {
  ordered_json rules = ordered_json::array({
      {{"id", "perimeter/public-access"},
       {"name", "PublicAccess"},
       {"shortDescription", {{"text", "A resource can be accessed by anyone"}}},
       {"defaultConfiguration", {{"level", "error"}}}},
      {{"id", "perimeter/external-access"},
       {"name", "ExternalAccess"},
       {"shortDescription", {{"text", "A resource can be accessed from outside the zone of trust"}}},
       {"defaultConfiguration", {{"level", "warning"}}}},
      {{"id", "perimeter/analysis-error"},
       {"name", "AnalysisError"},
       {"shortDescription", {{"text", "The analysis could not decide who can access a resource"}}},
       {"defaultConfiguration", {{"level", "error"}}}},
  });
  ordered_json results = ordered_json::array();
  for (size_t i = 0; i < report.findings.size(); ++i) {
    const FindingRecord& record = report.findings[i];
    const Finding& f = record.finding;
    const resources::Resource* resource = report.finding_resources[i];
    std::string_view rule = RuleId(f);
    ordered_json result = {
        {"ruleId", rule},
        {"level", f.error.has_value() || f.is_public ? "error" : "warning"},
        {"message", {{"text", Describe(f)}}},
        {"locations",
         ordered_json::array({{{"physicalLocation", PhysicalLocation(resource->source_name, ResultPosition(f, *resource))},
                               {"logicalLocations", ordered_json::array({{{"fullyQualifiedName", f.resource},
                                                                           {"kind", "resource"}}})}}})},
        {"partialFingerprints", {{"perimeterFindingId/v1", f.id}}},
        {"properties",
         {{"resourceType", f.resource_type},
          {"principal", f.principal},
          {"actions", f.actions},
          {"condition", f.condition},
          {"isPublic", f.is_public},
          {"status", findings::FindingStatusName(record.status)}}},
    };
    // The other statements that grant the same access.
    for (size_t j = 1; j < f.explanation.size(); ++j) {
      const findings::StatementRef& ref = f.explanation[j];
      if (ref.position.line == 0) continue;
      std::string name = ref.sid.has_value() ? base::Concat("statement ", *ref.sid)
                                             : base::Concat("statement ", ref.index);
      result["relatedLocations"].push_back(
          {{"id", j},
           {"physicalLocation", PhysicalLocation(resource->source_name, ref.position)},
           {"message", {{"text", base::Concat(ref.policy, ": ", name, " also grants this access")}}}});
    }
    if (record.status == findings::FindingStatus::kArchived) {
      result["suppressions"] = ordered_json::array({{{"kind", "external"}, {"justification", "archive rule"}}});
    }
    results.push_back(std::move(result));
  }
  ordered_json sarif = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", ordered_json::array({{{"tool",
                                      {{"driver",
                                        {{"name", "Perimeter"},
                                         {"informationUri", "https://github.com/perimeter-iam/perimeter"},
                                         {"version", "0.1.0"},
                                         {"rules", rules}}}}},
                                     {"results", results}}})},
  };
  return sarif.dump(2) + "\n";
}

std::string RenderAsff(const analysis::OfflineReport& report) {
  ordered_json out = {{"Findings", ordered_json::array()}};
  for (size_t i = 0; i < report.findings.size(); ++i) {
    const FindingRecord& record = report.findings[i];
    const Finding& f = record.finding;
    std::string account = f.resource_owner_account.empty() ? "000000000000" : f.resource_owner_account;
    // Global resources (IAM roles) are imported into the region Security Hub aggregates in.
    const std::string& resource_region = report.finding_resources[i]->region;
    std::string region = resource_region.empty() ? "us-east-1" : resource_region;
    std::string timestamp = findings::FormatTimestamp(record.created_at);
    std::string_view severity = f.error.has_value() ? "MEDIUM" : f.is_public ? "HIGH" : "LOW";
    out["Findings"].push_back({
        {"SchemaVersion", "2018-10-08"},
        {"Id", base::Concat("perimeter/", f.id)},
        {"ProductArn", base::Concat("arn:aws:securityhub:", region, ":", account, ":product/", account, "/default")},
        {"GeneratorId", "perimeter/external-access"},
        {"AwsAccountId", account},
        {"Types", ordered_json::array({"Software and Configuration Checks/AWS Security Best Practices/External Access Granted"})},
        {"CreatedAt", timestamp},
        {"UpdatedAt", timestamp},
        {"Severity", {{"Label", severity}}},
        {"Title", f.error.has_value() ? "Perimeter could not decide who can access this resource"
                  : f.is_public       ? "Resource is public"
                                      : "Resource is shared outside the zone of trust"},
        {"Description", Describe(f).substr(0, 1024)},
        {"Resources", ordered_json::array({{{"Type", AsffResourceType(f.resource_type)}, {"Id", f.resource}}})},
        {"Workflow", {{"Status", record.status == findings::FindingStatus::kArchived ? "SUPPRESSED" : "NEW"}}},
        {"RecordState", "ACTIVE"},
        {"ProductFields", {{"perimeter/principal", PrincipalText(f)}, {"perimeter/actions", Join(f.actions, ",")}}},
    });
  }
  return out.dump(2) + "\n";
}

}  // namespace perimeter::report
