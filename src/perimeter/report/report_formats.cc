#include "perimeter/report/report_formats.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <ostream>
#include <sstream>

#include "perimeter/base/text.h"
#include "perimeter/base/utf8.h"
#include "perimeter/findings/finding_json.h"
#include "perimeter/json/writer.h"
#include "perimeter/report/sarif_artifact.h"

namespace perimeter::report {
namespace {

using findings::Finding;
using findings::FindingRecord;

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

std::string_view RuleId(const Finding& finding) {
  if (finding.error.has_value()) return "perimeter/analysis-error";
  return finding.is_public ? "perimeter/public-access" : "perimeter/external-access";
}

std::string Describe(const Finding& finding) {
  if (finding.error.has_value()) {
    return base::Concat(finding.resource, ": the analysis could not decide (", *finding.error,
                        "): ", finding.error_reason);
  }
  std::string text = base::Concat(
      finding.resource, " (", finding.resource_type, ") is ",
      finding.is_public ? "public: " : "shared outside the zone of trust: ", PrincipalText(finding),
      " can ", Join(finding.actions, ", "));
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
// positions in the source file: resources::ParsePolicySource), else the resource's record or
// policy.
base::SourcePosition ResultPosition(const Finding& finding, const resources::Resource& resource) {
  if (!finding.explanation.empty() && finding.explanation.front().position.line > 0) {
    return finding.explanation.front().position;
  }
  return resource.position;
}

void WritePhysicalLocation(json::Writer& w, const std::string& uri,
                           const base::SourcePosition& position) {
  w.BeginObject();
  WriteSarifArtifactLocation(w, uri);
  w.Key("region")
      .BeginObject()
      .Key("startLine")
      .Int(position.line)
      .Key("startColumn")
      .Int(position.column)
      .EndObject();
  w.EndObject();
}

// The reports are pretty-printed with two spaces and end with a newline.
json::Writer ReportWriter() { return json::Writer(json::WriterOptions{.indent = 2}); }

}  // namespace

// One CSV field (RFC 4180 §2.6-2.7: a field with a comma, quote or line break is quoted, a quote
// doubled). Bytes that are not UTF-8 (a file name, a policy value) become U+FFFD, as in the JSON
// formats. A field a spreadsheet would read as a formula (first character = + - @, tab, carriage
// return or NUL) gets a leading ' so that it stays text (OWASP ASVS 5.0 requirement 1.2.10, "CSV
// and Formula Injection").
std::string CsvField(std::string_view raw) {
  std::string text = base::ValidUtf8(raw);
  if (!text.empty() &&
      std::string_view("=+-@\t\r\0", 7).find(text.front()) != std::string_view::npos) {
    text.insert(0, 1, '\'');
  }
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

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
  return base::Concat(s.resources, " resources, ", s.findings, " findings (", s.active, " active, ",
                      s.archived, " archived, ", s.public_findings, " public, ", s.error_findings,
                      " undecided), ", s.input_errors, " input errors, ", std::string_view(seconds),
                      " s");
}

namespace {

// The writer's text so far goes to `out`; the writer goes on where it was.
void Drain(json::Writer& w, std::ostream& out) {
  std::string pending = w.TakePending();
  out.write(pending.data(), static_cast<std::streamsize>(pending.size()));
}

class JsonReportStream : public ReportStream {
 public:
  explicit JsonReportStream(std::ostream& out) : out_(out) {
    w_.BeginObject().Key("findings").BeginArray();
    Drain(w_, out_);
  }
  void Add(const FindingRecord& record, const resources::Resource&) override {
    findings::WriteFinding(w_, record, /*perimeter_extras=*/true);
    Drain(w_, out_);
  }
  void Finish(const analysis::OfflineSummary& s,
              const std::vector<analysis::InputError>& errors) override {
    w_.EndArray();
    w_.Key("summary").BeginObject();
    w_.Key("resources")
        .Int(static_cast<int64_t>(s.resources))
        .Key("findings")
        .Int(static_cast<int64_t>(s.findings));
    w_.Key("active")
        .Int(static_cast<int64_t>(s.active))
        .Key("archived")
        .Int(static_cast<int64_t>(s.archived));
    w_.Key("public").Int(static_cast<int64_t>(s.public_findings));
    w_.Key("undecided").Int(static_cast<int64_t>(s.error_findings));
    w_.Key("inputErrors")
        .Int(static_cast<int64_t>(s.input_errors))
        .Key("seconds")
        .Double(s.seconds);
    w_.EndObject();
    w_.Key("errors").BeginArray();
    for (const analysis::InputError& error : errors) {
      w_.BeginObject();
      w_.Key("source").String(error.source);
      w_.Key("line").Int(error.issue.position.line).Key("column").Int(error.issue.position.column);
      w_.Key("severity").String(base::SeverityName(error.issue.severity));
      w_.Key("code").String(error.issue.code).Key("message").String(error.issue.message);
      w_.EndObject();
    }
    w_.EndArray().EndObject();
    Drain(w_, out_);
    out_ << "\n";
  }

 private:
  std::ostream& out_;
  json::Writer w_ = ReportWriter();
};

// Public findings first, then the others, each in input order (a stable partition), then the input
// errors: the lines wait for Finish.
class TableReportStream : public ReportStream {
 public:
  TableReportStream(const RenderOptions& options, std::ostream& out)
      : options_(options), out_(out) {}
  void Add(const FindingRecord& record, const resources::Resource&) override {
    const Finding& f = record.finding;
    std::string& lines = f.is_public ? public_lines_ : other_lines_;
    std::string label = f.error.has_value() ? Paint("35", "UNDECIDED")
                        : f.is_public       ? Paint("1;31", "PUBLIC   ")
                                            : Paint("33", "EXTERNAL ");
    if (record.status == findings::FindingStatus::kArchived) label = Paint("2", "ARCHIVED ");
    lines += base::Concat(label, "  ", f.resource_type, "  ", f.resource, "  ");
    if (f.error.has_value()) {
      lines += f.error_reason;
    } else {
      lines += base::Concat(PrincipalText(f), "  ", Join(f.actions, ","));
      if (!f.condition.empty()) lines += base::Concat("  if ", ConditionText(f));
    }
    lines += "\n";
  }
  void Finish(const analysis::OfflineSummary&,
              const std::vector<analysis::InputError>& errors) override {
    std::string text = std::move(public_lines_);
    text += other_lines_;
    for (const analysis::InputError& error : errors) {
      text += base::Concat(Paint("31", "error"), ": ", error.source, ":",
                           base::ToString(error.issue.position), ": ", error.issue.message, " [",
                           error.issue.code, "]\n");
    }
    // File names and values may hold bytes that are not UTF-8; the terminal gets U+FFFD instead.
    out_ << base::ValidUtf8(text);
  }

 private:
  std::string Paint(std::string_view code, std::string_view text) const {
    return options_.color ? base::Concat("\x1b[", code, "m", text, "\x1b[0m") : std::string(text);
  }

  RenderOptions options_;
  std::ostream& out_;
  std::string public_lines_;
  std::string other_lines_;
};

class CsvReportStream : public ReportStream {
 public:
  explicit CsvReportStream(std::ostream& out) : out_(out) {
    out_ << "id,status,isPublic,resourceType,resource,resourceOwnerAccount,principal,actions,"
            "condition,error\n";
  }
  void Add(const FindingRecord& record, const resources::Resource&) override {
    const Finding& f = record.finding;
    std::vector<std::string> fields = {
        f.id,
        std::string(findings::FindingStatusName(record.status)),
        f.is_public ? "true" : "false",
        f.resource_type,
        f.resource,
        f.resource_owner_account,
        PrincipalText(f),
        Join(f.actions, " "),
        ConditionText(f),
        f.error.has_value() ? base::Concat(*f.error, ": ", f.error_reason) : ""};
    std::string line;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) line += ",";
      line += CsvField(fields[i]);
    }
    line += "\n";
    out_ << line;
  }
  void Finish(const analysis::OfflineSummary&, const std::vector<analysis::InputError>&) override {}

 private:
  std::ostream& out_;
};

}  // namespace

namespace {

struct SarifRule {
  std::string_view id, name, text, level;
};

constexpr SarifRule kSarifRules[] = {
    {"perimeter/public-access", "PublicAccess", "A resource can be accessed by anyone", "error"},
    {"perimeter/external-access", "ExternalAccess",
     "A resource can be accessed from outside the zone of trust", "warning"},
    {"perimeter/analysis-error", "AnalysisError",
     "The analysis could not decide who can access a resource", "error"},
};

std::string_view SarifBaselineState(const PreviewComparison& comparison,
                                    findings::FindingStatus status) {
  switch (comparison.change_type) {
    case findings::FindingChangeType::kNew:
      return "new";
    case findings::FindingChangeType::kUnchanged:
      return "unchanged";
    case findings::FindingChangeType::kChanged:
      // A CHANGED finding is either resolved by the change or a resolved one returning.
      return status == findings::FindingStatus::kResolved ? "absent" : "new";
  }
  return "new";
}

void WriteComparisonMembers(json::Writer& w, const PreviewComparison& comparison,
                            std::string_view prefix) {
  w.Key(base::Concat(prefix, "changeType"))
      .String(findings::FindingChangeTypeName(comparison.change_type));
  if (comparison.existing_finding_id) {
    w.Key(base::Concat(prefix, "existingFindingId")).String(*comparison.existing_finding_id);
  }
  if (comparison.existing_finding_status) {
    w.Key(base::Concat(prefix, "existingFindingStatus"))
        .String(findings::FindingStatusName(*comparison.existing_finding_status));
  }
}

// `comparison`: the preview's, or null for `perimeter analyze`.
void WriteSarifResult(json::Writer& w, const FindingRecord& record,
                      const resources::Resource& resource, const PreviewComparison* comparison) {
  const Finding& f = record.finding;
  bool resolved = record.status == findings::FindingStatus::kResolved;
  w.BeginObject();
  w.Key("ruleId").String(RuleId(f));
  if (resolved) w.Key("kind").String("pass");
  w.Key("level").String(resolved                             ? "none"
                        : f.error.has_value() || f.is_public ? "error"
                                                             : "warning");
  if (comparison != nullptr) {
    w.Key("baselineState").String(SarifBaselineState(*comparison, record.status));
  }
  w.Key("message").BeginObject().Key("text").String(Describe(f)).EndObject();
  w.Key("locations").BeginArray().BeginObject().Key("physicalLocation");
  WritePhysicalLocation(w, resource.source_name, ResultPosition(f, resource));
  w.Key("logicalLocations").BeginArray().BeginObject();
  w.Key("fullyQualifiedName").String(f.resource).Key("kind").String("resource");
  w.EndObject().EndArray().EndObject().EndArray();
  w.Key("partialFingerprints").BeginObject().Key("perimeterFindingId/v1").String(f.id).EndObject();
  w.Key("properties").BeginObject();
  w.Key("resourceType").String(f.resource_type);
  w.Key("principal").StringMap(f.principal);
  w.Key("actions").StringArray(f.actions);
  w.Key("condition").StringMap(f.condition);
  w.Key("isPublic").Bool(f.is_public);
  w.Key("status").String(findings::FindingStatusName(record.status));
  if (comparison != nullptr) WriteComparisonMembers(w, *comparison, "");
  w.EndObject();
  // The other statements that grant the same access.
  bool related = false;
  for (size_t j = 1; j < f.explanation.size(); ++j) {
    const findings::StatementRef& ref = f.explanation[j];
    if (ref.position.line == 0) continue;
    if (!related) w.Key("relatedLocations").BeginArray();
    related = true;
    std::string name = ref.sid.has_value() ? base::Concat("statement ", *ref.sid)
                                           : base::Concat("statement ", ref.index);
    w.BeginObject().Key("id").Int(static_cast<int64_t>(j)).Key("physicalLocation");
    WritePhysicalLocation(w, resource.source_name, ref.position);
    w.Key("message").BeginObject().Key("text").String(
        base::Concat(ref.policy, ": ", name, " also grants this access"));
    w.EndObject().EndObject();
  }
  if (related) w.EndArray();
  if (record.status == findings::FindingStatus::kArchived) {
    w.Key("suppressions").BeginArray().BeginObject();
    w.Key("kind").String("external").Key("justification").String("archive rule");
    w.EndObject().EndArray();
  }
  w.EndObject();
}

}  // namespace

namespace {

// A preview's comparisons, one per finding in the order the findings are added; none for analyze.
class ComparisonCursor {
 public:
  explicit ComparisonCursor(std::span<const PreviewComparison> comparisons)
      : comparisons_(comparisons) {}
  const PreviewComparison* Next() {
    return next_ < comparisons_.size() ? &comparisons_[next_++] : nullptr;
  }

 private:
  std::span<const PreviewComparison> comparisons_;
  size_t next_ = 0;
};

class SarifReportStream : public ReportStream {
 public:
  explicit SarifReportStream(std::ostream& out, std::span<const PreviewComparison> comparisons = {})
      : out_(out), comparisons_{comparisons} {
    w_.BeginObject();
    w_.Key("$schema").String("https://json.schemastore.org/sarif-2.1.0.json");
    w_.Key("version").String("2.1.0");
    w_.Key("runs").BeginArray().BeginObject();
    w_.Key("tool").BeginObject().Key("driver").BeginObject();
    w_.Key("name").String("Perimeter");
    w_.Key("informationUri").String("https://github.com/perimeter-iam/perimeter");
    w_.Key("version").String("0.1.0");
    w_.Key("rules").BeginArray();
    for (const SarifRule& rule : kSarifRules) {
      w_.BeginObject().Key("id").String(rule.id).Key("name").String(rule.name);
      w_.Key("shortDescription").BeginObject().Key("text").String(rule.text).EndObject();
      w_.Key("defaultConfiguration").BeginObject().Key("level").String(rule.level).EndObject();
      w_.EndObject();
    }
    w_.EndArray().EndObject().EndObject();
    w_.Key("results").BeginArray();
    Drain(w_, out_);
  }
  void Add(const FindingRecord& record, const resources::Resource& resource) override {
    WriteSarifResult(w_, record, resource, comparisons_.Next());
    Drain(w_, out_);
  }
  void Finish(const analysis::OfflineSummary&, const std::vector<analysis::InputError>&) override {
    w_.EndArray().EndObject().EndArray().EndObject();
    Drain(w_, out_);
    out_ << "\n";
  }

 private:
  std::ostream& out_;
  json::Writer w_ = ReportWriter();
  ComparisonCursor comparisons_;
};

class AsffReportStream : public ReportStream {
 public:
  explicit AsffReportStream(std::ostream& out, std::span<const PreviewComparison> comparisons = {})
      : out_(out), comparisons_{comparisons} {
    w_.BeginObject().Key("Findings").BeginArray();
    Drain(w_, out_);
  }
  void Add(const FindingRecord& record, const resources::Resource& resource) override {
    const Finding& f = record.finding;
    std::string account =
        f.resource_owner_account.empty() ? "000000000000" : f.resource_owner_account;
    // Global resources (IAM roles) are imported into the region Security Hub aggregates in.
    std::string region = resource.region.empty() ? "us-east-1" : resource.region;
    std::string timestamp = findings::FormatTimestamp(record.created_at);
    std::string_view severity = f.error.has_value() ? "MEDIUM" : f.is_public ? "HIGH" : "LOW";
    json::Writer& w = w_;
    w.BeginObject();
    w.Key("SchemaVersion").String("2018-10-08");
    w.Key("Id").String(base::Concat("perimeter/", f.id));
    w.Key("ProductArn")
        .String(base::Concat("arn:aws:securityhub:", region, ":", account, ":product/", account,
                             "/default"));
    w.Key("GeneratorId").String("perimeter/external-access");
    w.Key("AwsAccountId").String(account);
    w.Key("Types").BeginArray();
    w.String(
        "Software and Configuration Checks/AWS Security Best Practices/External Access Granted");
    w.EndArray();
    w.Key("CreatedAt").String(timestamp);
    w.Key("UpdatedAt").String(timestamp);
    w.Key("Severity").BeginObject().Key("Label").String(severity).EndObject();
    w.Key("Title").String(f.error.has_value()
                              ? "Perimeter could not decide who can access this resource"
                          : f.is_public ? "Resource is public"
                                        : "Resource is shared outside the zone of trust");
    // A cut inside a multi-byte character leaves invalid UTF-8, which the writer replaces.
    w.Key("Description").String(Describe(f).substr(0, 1024));
    w.Key("Resources").BeginArray().BeginObject();
    w.Key("Type").String(AsffResourceType(f.resource_type)).Key("Id").String(f.resource);
    w.EndObject().EndArray();
    bool resolved = record.status == findings::FindingStatus::kResolved;
    w.Key("Workflow").BeginObject();
    w.Key("Status").String(resolved                                              ? "RESOLVED"
                           : record.status == findings::FindingStatus::kArchived ? "SUPPRESSED"
                                                                                 : "NEW");
    w.EndObject();
    w.Key("RecordState").String(resolved ? "ARCHIVED" : "ACTIVE");
    w.Key("ProductFields").BeginObject();
    w.Key("perimeter/principal")
        .String(PrincipalText(f))
        .Key("perimeter/actions")
        .String(Join(f.actions, ","));
    if (const PreviewComparison* comparison = comparisons_.Next()) {
      WriteComparisonMembers(w, *comparison, "perimeter/");
    }
    w.EndObject();
    w.EndObject();
    Drain(w_, out_);
  }
  void Finish(const analysis::OfflineSummary&, const std::vector<analysis::InputError>&) override {
    w_.EndArray().EndObject();
    Drain(w_, out_);
    out_ << "\n";
  }

 private:
  std::ostream& out_;
  json::Writer w_ = ReportWriter();
  ComparisonCursor comparisons_;
};

// The whole report through `stream`, which writes into `out`; the text written.
std::string RenderThrough(const analysis::OfflineReport& report, ReportStream& stream,
                          std::ostringstream& out) {
  const resources::Resource unknown;  // for a finding whose resource the report does not give
  for (size_t i = 0; i < report.findings.size(); ++i) {
    const resources::Resource* resource = report.finding_resources[i];
    stream.Add(report.findings[i], resource != nullptr ? *resource : unknown);
  }
  stream.Finish(report.summary, report.errors);
  return std::move(out).str();
}

// The whole report through the stream of its format, into one string.
std::string Render(const analysis::OfflineReport& report, Format format,
                   const RenderOptions& options) {
  std::ostringstream out;
  std::unique_ptr<ReportStream> stream = NewReportStream(format, options, out);
  return RenderThrough(report, *stream, out);
}

}  // namespace

std::unique_ptr<ReportStream> NewReportStream(Format format, const RenderOptions& options,
                                              std::ostream& out) {
  switch (format) {
    case Format::kTable:
      return std::make_unique<TableReportStream>(options, out);
    case Format::kJson:
      return std::make_unique<JsonReportStream>(out);
    case Format::kSarif:
      return std::make_unique<SarifReportStream>(out);
    case Format::kAsff:
      return std::make_unique<AsffReportStream>(out);
    case Format::kCsv:
      return std::make_unique<CsvReportStream>(out);
  }
  return std::make_unique<JsonReportStream>(out);
}

std::string RenderJson(const analysis::OfflineReport& report) {
  return Render(report, Format::kJson, {});
}
std::string RenderTable(const analysis::OfflineReport& report, const RenderOptions& options) {
  return Render(report, Format::kTable, options);
}
std::string RenderCsv(const analysis::OfflineReport& report) {
  return Render(report, Format::kCsv, {});
}
std::string RenderSarif(const analysis::OfflineReport& report) {
  return Render(report, Format::kSarif, {});
}
std::string RenderAsff(const analysis::OfflineReport& report) {
  return Render(report, Format::kAsff, {});
}

std::string RenderSarif(const analysis::OfflineReport& report,
                        std::span<const PreviewComparison> comparisons) {
  std::ostringstream out;
  SarifReportStream stream(out, comparisons);
  return RenderThrough(report, stream, out);
}
std::string RenderAsff(const analysis::OfflineReport& report,
                       std::span<const PreviewComparison> comparisons) {
  std::ostringstream out;
  AsffReportStream stream(out, comparisons);
  return RenderThrough(report, stream, out);
}

}  // namespace perimeter::report
