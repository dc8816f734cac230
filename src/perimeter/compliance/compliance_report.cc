#include "perimeter/compliance/compliance_report.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "perimeter/base/text.h"
#include "perimeter/json/writer.h"

namespace perimeter::compliance {

namespace {

constexpr std::string_view kTitle = "IAM Access Analyzer should be enabled for all regions";
constexpr std::string_view kTitleExternal =
    "IAM External Access Analyzer should be enabled for all regions";

std::string Iso8601(base::UnixMillis millis) {
  std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis % 1000));
  return buffer;
}

// Both numberings of the control: the report's own first.
std::vector<std::string> RelatedRequirements(bool require_external) {
  std::vector<std::string> related = {"CIS AWS Foundations Benchmark v5.0.0/1.19",
                                      "CIS AWS Foundations Benchmark v1.4.0/1.20"};
  if (!require_external) std::swap(related[0], related[1]);
  return related;
}

std::string FindingId(const CheckReport& report, const RegionResult& row) {
  return base::Concat("perimeter/", report.require_external ? "cis-5.0-1.19" : "cis-1.20", "/",
                      row.account_id, "/", row.region);
}

void Pad(std::string& out, std::string_view text, size_t width) {
  out.append(text);
  if (text.size() < width) out.append(width - text.size(), ' ');
  out.append("  ");
}

std::string Table(const CheckReport& report) {
  size_t account_width = 7, region_width = 6;
  for (const RegionResult& row : report.results) {
    account_width =
        std::max(account_width, row.account_id.size() +
                                    (row.account_name.empty() ? 0 : row.account_name.size() + 3));
    region_width = std::max(region_width, row.region.size());
  }
  std::string out = base::Concat(ControlId(report.require_external), ": ",
                                 report.require_external ? kTitleExternal : kTitle, "\n");
  Pad(out, "ACCOUNT", account_width);
  Pad(out, "REGION", region_width);
  Pad(out, "STATUS", 6);
  out += "REASON\n";
  size_t pass = 0, fail = 0, error = 0;
  for (const RegionResult& row : report.results) {
    Pad(out,
        row.account_name.empty() ? row.account_id
                                 : base::Concat(row.account_id, " (", row.account_name, ")"),
        account_width);
    Pad(out, row.region, region_width);
    Pad(out, CheckStatusName(row.status), 6);
    out += row.reason;
    out += "\n";
    if (row.fix != FixAction::kNone)
      out += base::Concat("    fix: ", FixActionName(row.fix), " ", row.fix_detail, "\n");
    if (!row.remediation.empty()) out += base::Concat("    remediation: ", row.remediation, "\n");
    switch (row.status) {
      case CheckStatus::kPass:
        ++pass;
        break;
      case CheckStatus::kFail:
        ++fail;
        break;
      case CheckStatus::kError:
        ++error;
        break;
    }
  }
  out += base::Concat(pass, " passed, ", fail, " failed, ", error, " error(s) in ",
                      report.results.size(), " account-region pair(s)\n");
  return out;
}

void WriteAnalyzers(json::Writer& w, const std::vector<Analyzer>& analyzers) {
  w.BeginArray();
  for (const Analyzer& analyzer : analyzers) {
    w.BeginObject().Key("arn").String(analyzer.arn).Key("name").String(analyzer.name);
    w.Key("type").String(analyzer.type).Key("status").String(analyzer.status);
    if (!analyzer.status_reason.empty()) w.Key("statusReason").String(analyzer.status_reason);
    w.EndObject();
  }
  w.EndArray();
}

std::string Json(const CheckReport& report) {
  json::Writer w;
  w.BeginObject();
  w.Key("control").BeginObject().Key("id").String(ControlId(report.require_external));
  w.Key("title").String(report.require_external ? kTitleExternal : kTitle);
  w.Key("relatedRequirements").StringArray(RelatedRequirements(report.require_external));
  w.Key("configRule").String("IAM_EXTERNAL_ACCESS_ANALYZER_ENABLED").EndObject();
  w.Key("callerAccount").String(report.caller_account);
  if (!report.organization_id.empty()) w.Key("organizationId").String(report.organization_id);
  w.Key("partition").String(report.partition);
  w.Key("requireExternal").Bool(report.require_external);
  w.Key("regionSources").BeginObject();
  for (const auto& [account, source] : report.region_sources)
    w.Key(account).String(RegionSourceName(source));
  w.EndObject();
  w.Key("results").BeginArray();
  int64_t pass = 0, fail = 0, error = 0;
  for (const RegionResult& row : report.results) {
    w.BeginObject().Key("account").String(row.account_id);
    if (!row.account_name.empty()) w.Key("accountName").String(row.account_name);
    w.Key("region").String(row.region).Key("status").String(CheckStatusName(row.status));
    w.Key("reason").String(row.reason);
    w.Key("analyzers");
    WriteAnalyzers(w, row.analyzers);
    if (!row.remediation.empty()) w.Key("remediation").String(row.remediation);
    if (row.fix != FixAction::kNone) {
      w.Key("fix")
          .BeginObject()
          .Key("action")
          .String(FixActionName(row.fix))
          .Key("detail")
          .String(row.fix_detail);
      w.EndObject();
    }
    w.EndObject();
    (row.status == CheckStatus::kPass ? pass : row.status == CheckStatus::kFail ? fail : error)++;
  }
  w.EndArray();
  w.Key("summary")
      .BeginObject()
      .Key("pass")
      .Int(pass)
      .Key("fail")
      .Int(fail)
      .Key("error")
      .Int(error)
      .EndObject();
  w.EndObject();
  return std::move(w).Take() + "\n";
}

std::string Asff(const CheckReport& report, base::UnixMillis now) {
  std::string time = Iso8601(now);
  json::Writer w;
  w.BeginArray();
  for (const RegionResult& row : report.results) {
    w.BeginObject();
    w.Key("SchemaVersion").String("2018-10-08");
    w.Key("Id").String(FindingId(report, row));
    w.Key("ProductArn")
        .String(base::Concat("arn:", report.partition, ":securityhub:", row.region, ":",
                             row.account_id, ":product/", row.account_id, "/default"));
    w.Key("GeneratorId")
        .String(report.require_external ? "perimeter/cis-aws-foundations-benchmark/v5.0.0/1.19"
                                        : "perimeter/cis-aws-foundations-benchmark/v1.4.0/1.20");
    w.Key("AwsAccountId").String(row.account_id);
    w.Key("Region").String(row.region);
    w.Key("Types").BeginArray().String(
        "Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations "
        "Benchmark");
    w.EndArray();
    w.Key("CreatedAt").String(time).Key("UpdatedAt").String(time);
    std::string_view label = row.status == CheckStatus::kPass ? "INFORMATIONAL" : "MEDIUM";
    w.Key("Severity").BeginObject().Key("Label").String(label).EndObject();
    w.Key("Title").String(report.require_external ? kTitleExternal : kTitle);
    w.Key("Description").String(base::Concat(CheckStatusName(row.status), ": ", row.reason));
    w.Key("Remediation").BeginObject().Key("Recommendation").BeginObject();
    w.Key("Text").String(row.remediation.empty() ? "No action needed." : row.remediation);
    w.Key("Url").String(
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-getting-started.html");
    w.EndObject().EndObject();
    w.Key("Resources").BeginArray().BeginObject();
    w.Key("Type")
        .String("AwsAccount")
        .Key("Id")
        .String(base::Concat("AWS::::Account:", row.account_id));
    w.Key("Partition").String(report.partition).Key("Region").String(row.region);
    w.EndObject().EndArray();
    std::string_view compliance = row.status == CheckStatus::kPass   ? "PASSED"
                                  : row.status == CheckStatus::kFail ? "FAILED"
                                                                     : "NOT_AVAILABLE";
    w.Key("Compliance").BeginObject().Key("Status").String(compliance);
    w.Key("RelatedRequirements").StringArray(RelatedRequirements(report.require_external));
    w.EndObject();
    w.Key("Workflow")
        .BeginObject()
        .Key("Status")
        .String(row.status == CheckStatus::kPass ? "RESOLVED" : "NEW");
    w.EndObject();
    w.Key("RecordState").String("ACTIVE");
    w.EndObject();
  }
  w.EndArray();
  return std::move(w).Take() + "\n";
}

std::string Ocsf(const CheckReport& report, base::UnixMillis now) {
  json::Writer w;
  w.BeginArray();
  for (const RegionResult& row : report.results) {
    // OCSF 1.1 Compliance Finding: class_uid 2003, category 2 (Findings), activity 1 (Create).
    w.BeginObject();
    w.Key("class_uid").Int(2003).Key("class_name").String("Compliance Finding");
    w.Key("category_uid").Int(2).Key("category_name").String("Findings");
    w.Key("activity_id").Int(1).Key("type_uid").Int(200301);
    w.Key("time").Int(now);
    w.Key("severity_id").Int(row.status == CheckStatus::kPass ? 1 : 3);
    w.Key("status_id").Int(1);
    w.Key("metadata").BeginObject().Key("version").String("1.1.0");
    w.Key("product")
        .BeginObject()
        .Key("name")
        .String("Perimeter")
        .Key("vendor_name")
        .String("Perimeter");
    w.Key("version").String("0.1.0").EndObject().EndObject();
    w.Key("finding_info").BeginObject().Key("uid").String(FindingId(report, row));
    w.Key("title").String(report.require_external ? kTitleExternal : kTitle);
    w.Key("desc").String(row.reason).EndObject();
    // compliance.status_id: 1 Pass, 3 Fail, 0 Unknown (the region could not be checked).
    int status_id = row.status == CheckStatus::kPass ? 1 : row.status == CheckStatus::kFail ? 3 : 0;
    w.Key("compliance").BeginObject().Key("control").String(ControlId(report.require_external));
    w.Key("standards").StringArray(RelatedRequirements(report.require_external));
    w.Key("status").String(row.status == CheckStatus::kPass   ? "Pass"
                           : row.status == CheckStatus::kFail ? "Fail"
                                                              : "Unknown");
    w.Key("status_id").Int(status_id).Key("status_detail").String(row.reason).EndObject();
    w.Key("cloud").BeginObject().Key("provider").String("AWS").Key("region").String(row.region);
    w.Key("account").BeginObject().Key("uid").String(row.account_id);
    if (!row.account_name.empty()) w.Key("name").String(row.account_name);
    w.EndObject().EndObject();
    w.Key("resources").BeginArray().BeginObject().Key("type").String("AWS::::Account");
    w.Key("uid").String(row.account_id).Key("region").String(row.region).EndObject().EndArray();
    if (!row.remediation.empty())
      w.Key("remediation").BeginObject().Key("desc").String(row.remediation).EndObject();
    w.EndObject();
  }
  w.EndArray();
  return std::move(w).Take() + "\n";
}

}  // namespace

std::optional<ReportFormat> ParseReportFormat(std::string_view name) {
  if (name == "table") return ReportFormat::kTable;
  if (name == "json") return ReportFormat::kJson;
  if (name == "asff") return ReportFormat::kAsff;
  if (name == "ocsf") return ReportFormat::kOcsf;
  return std::nullopt;
}

std::string ControlId(bool require_external) {
  return require_external ? "CIS AWS Foundations v5.0 1.19" : "CIS AWS Foundations 1.20";
}

std::string FormatReport(const CheckReport& report, ReportFormat format, base::UnixMillis now) {
  switch (format) {
    case ReportFormat::kTable:
      return Table(report);
    case ReportFormat::kJson:
      return Json(report);
    case ReportFormat::kAsff:
      return Asff(report, now);
    case ReportFormat::kOcsf:
      return Ocsf(report, now);
  }
  return "";
}

}  // namespace perimeter::compliance
