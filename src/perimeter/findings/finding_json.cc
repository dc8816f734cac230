#include "perimeter/findings/finding_json.h"

#include <utility>

#include "perimeter/base/text.h"
#include "perimeter/findings/internal_access_record.h"
#include "perimeter/json/object_reader.h"
#include "perimeter/json/writer.h"

namespace perimeter::findings {

namespace {

json::Writer MakeWriter(const JsonOptions& options) {
  return json::Writer(json::WriterOptions{.indent = options.indent});
}

void WriteSources(json::Writer& w, const std::vector<FindingSource>& sources) {
  w.BeginArray();
  for (const FindingSource& source : sources) {
    w.BeginObject().Key("type").String(FindingSourceTypeName(source.type));
    if (source.access_point_arn.has_value() || source.access_point_account.has_value()) {
      w.Key("detail").BeginObject();
      if (source.access_point_arn.has_value())
        w.Key("accessPointArn").String(*source.access_point_arn);
      if (source.access_point_account.has_value())
        w.Key("accessPointAccount").String(*source.access_point_account);
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
}

// Perimeter's extras, after the model's members of the enclosing object.
void WriteExtras(json::Writer& w, const Finding& finding) {
  if (finding.error.has_value() && !finding.error_reason.empty())
    w.Key("errorReason").String(finding.error_reason);
  if (finding.witness.has_value()) {
    const Witness& witness = *finding.witness;
    w.Key("witness").BeginObject();
    w.Key("principal").String(witness.principal);
    w.Key("principalType").String(witness.principal_type);
    w.Key("action").String(witness.action);
    w.Key("resource").String(witness.resource);
    w.Key("context").BeginObject();
    for (const auto& [key, values] : witness.context) w.Key(key).StringArray(values);
    w.EndObject().EndObject();
  }
  if (!finding.explanation.empty()) {
    w.Key("explanation").BeginArray();
    for (const StatementRef& ref : finding.explanation) {
      w.BeginObject()
          .Key("policy")
          .String(ref.policy)
          .Key("statementIndex")
          .Int(static_cast<int64_t>(ref.index));
      if (ref.sid.has_value()) w.Key("statementId").String(*ref.sid);
      w.Key("line").Int(ref.position.line).Key("column").Int(ref.position.column);
      w.EndObject();
    }
    w.EndArray();
  }
}

// The members of ExternalAccessDetails that also sit at the top of Finding: principal, action,
// isPublic, sources — absent on error findings.
bool HasAccessDetails(const Finding& finding) { return !finding.error.has_value(); }

// Finding / FindingSummary: the one definition of the shape.
void WriteFindingObject(json::Writer& w, const FindingRecord& record, bool perimeter_extras) {
  const Finding& finding = record.finding;
  const bool details = HasAccessDetails(finding);
  w.BeginObject().Key("id").String(finding.id);
  if (details && !finding.principal.empty()) w.Key("principal").StringMap(finding.principal);
  if (details && !finding.actions.empty()) w.Key("action").StringArray(finding.actions);
  if (!finding.resource.empty()) w.Key("resource").String(finding.resource);
  if (details) w.Key("isPublic").Bool(finding.is_public);
  w.Key("resourceType").String(finding.resource_type);
  w.Key("condition");
  if (details) {
    w.StringMap(finding.condition);
  } else {
    w.BeginObject().EndObject();
  }
  w.Key("createdAt").String(FormatTimestamp(record.created_at));
  w.Key("analyzedAt").String(FormatTimestamp(record.analyzed_at));
  w.Key("updatedAt").String(FormatTimestamp(record.updated_at));
  w.Key("status").String(FindingStatusName(record.status));
  w.Key("resourceOwnerAccount").String(finding.resource_owner_account);
  if (finding.error.has_value()) w.Key("error").String(*finding.error);
  if (details && !finding.sources.empty()) {
    w.Key("sources");
    WriteSources(w, finding.sources);
  }
  if (details) w.Key("resourceControlPolicyRestriction").String("NOT_APPLICABLE");
  if (perimeter_extras) WriteExtras(w, finding);
  w.EndObject();
}

// FindingSummaryV2 members in the model's order, without the closing brace: GetFindingV2Response
// adds findingDetails.
void WriteSummaryV2Members(json::Writer& w, const FindingRecord& record) {
  const Finding& finding = record.finding;
  w.BeginObject();
  w.Key("analyzedAt").String(FormatTimestamp(record.analyzed_at));
  w.Key("createdAt").String(FormatTimestamp(record.created_at));
  if (finding.error.has_value()) w.Key("error").String(*finding.error);
  w.Key("id").String(finding.id);
  if (!finding.resource.empty()) w.Key("resource").String(finding.resource);
  w.Key("resourceType").String(finding.resource_type);
  w.Key("resourceOwnerAccount").String(finding.resource_owner_account);
  w.Key("status").String(FindingStatusName(record.status));
  w.Key("updatedAt").String(FormatTimestamp(record.updated_at));
  w.Key("findingType").String(FindingTypeName(finding.type));
}

void WriteExternalAccessDetails(json::Writer& w, const Finding& finding) {
  w.BeginObject();
  if (!finding.actions.empty()) w.Key("action").StringArray(finding.actions);
  w.Key("condition").StringMap(finding.condition);
  w.Key("isPublic").Bool(finding.is_public);
  if (!finding.principal.empty()) w.Key("principal").StringMap(finding.principal);
  if (!finding.sources.empty()) {
    w.Key("sources");
    WriteSources(w, finding.sources);
  }
  w.Key("resourceControlPolicyRestriction").String("NOT_APPLICABLE");
  w.EndObject();
}

void WriteFilterObject(json::Writer& w, const FindingFilter& filter) {
  w.BeginObject();
  for (const Criterion& criterion : filter.criteria()) {
    w.Key(criterion.key).BeginObject();
    if (!criterion.eq.empty()) w.Key("eq").StringArray(criterion.eq);
    if (!criterion.neq.empty()) w.Key("neq").StringArray(criterion.neq);
    if (!criterion.contains.empty()) w.Key("contains").StringArray(criterion.contains);
    if (criterion.exists.has_value()) w.Key("exists").Bool(*criterion.exists);
    w.EndObject();
  }
  w.EndObject();
}

// --- Reading ---

base::Issue Error(std::string code, const base::SourcePosition& position, std::string message) {
  return base::Issue{base::Severity::kError, std::move(code), position, std::move(message)};
}

class FindingReader {
 public:
  explicit FindingReader(std::vector<base::Issue>& issues) : issues_(issues) {}

  std::optional<FindingRecord> Read(json::Value value) {
    json::ObjectReader reader(value, "finding", "finding", issues_);
    FindingRecord record;
    Finding& finding = record.finding;
    if (auto id = reader.Required("id")) String(*id, finding.id);
    if (auto principal = reader.Optional("principal")) StringMap(*principal, finding.principal);
    if (auto action = reader.Optional("action")) StringList(*action, finding.actions);
    if (auto resource = reader.Optional("resource")) String(*resource, finding.resource);
    if (std::optional<bool> is_public = reader.OptionalBool("isPublic"))
      finding.is_public = *is_public;
    if (auto type = reader.Required("resourceType")) String(*type, finding.resource_type);
    if (auto condition = reader.Required("condition")) StringMap(*condition, finding.condition);
    if (auto created = reader.Required("createdAt")) Time(*created, record.created_at);
    if (auto analyzed = reader.Required("analyzedAt")) Time(*analyzed, record.analyzed_at);
    if (auto updated = reader.Required("updatedAt")) Time(*updated, record.updated_at);
    if (auto status_value = reader.Required("status")) {
      std::optional<FindingStatus> status;
      if (status_value->is_string()) status = ParseFindingStatus(status_value->text());
      if (status.has_value()) {
        record.status = *status;
      } else {
        Fail("finding.invalid-value", status_value->position(),
             "status must be ACTIVE, ARCHIVED or RESOLVED");
      }
    }
    if (auto owner = reader.Required("resourceOwnerAccount"))
      String(*owner, finding.resource_owner_account);
    if (auto error_value = reader.Optional("error")) {
      std::string error;
      if (String(*error_value, error)) finding.error = std::move(error);
    }
    if (auto reason = reader.Optional("errorReason")) String(*reason, finding.error_reason);
    if (auto sources = reader.Optional("sources")) Sources(*sources, finding.sources);
    // Derived (RCP) or Perimeter's extras: not part of the record's identity; skipped.
    reader.Ignore("resourceControlPolicyRestriction");
    reader.Ignore("witness");
    reader.Ignore("explanation");
    if (!reader.Finish() || failed_) return std::nullopt;
    return record;
  }

 private:
  void Fail(std::string code, const base::SourcePosition& position, std::string message) {
    issues_.push_back(Error(std::move(code), position, std::move(message)));
    failed_ = true;
  }
  void TypeError(const json::Value& value, std::string_view expected) {
    Fail("finding.type", value.position(),
         base::Concat("'", value.key(), "' must be ", expected, ", not ",
                      json::KindName(value.kind())));
  }
  bool String(const json::Value& value, std::string& out) {
    if (!value.is_string()) {
      TypeError(value, "a string");
      return false;
    }
    out = std::string(value.text());
    return true;
  }
  bool StringList(const json::Value& value, std::vector<std::string>& out) {
    if (!value.is_array()) {
      TypeError(value, "a list of strings");
      return false;
    }
    for (json::Value element : value.children()) {
      if (!element.is_string()) {
        Fail("finding.type", element.position(), "expected a string");
        return false;
      }
      out.emplace_back(element.text());
    }
    return true;
  }
  bool StringMap(const json::Value& value, std::map<std::string, std::string>& out) {
    if (!value.is_object()) {
      TypeError(value, "an object of strings");
      return false;
    }
    for (json::Value member : value.members()) {
      if (!member.is_string()) {
        Fail("finding.type", member.position(), "expected a string");
        return false;
      }
      out.emplace(std::string(member.key()), std::string(member.text()));
    }
    return true;
  }
  bool Time(const json::Value& value, absl::Time& out) {
    std::optional<absl::Time> time;
    if (value.is_string()) time = ParseTimestamp(value.text());
    if (!time.has_value()) {
      Fail("finding.invalid-value", value.position(),
           base::Concat("'", value.key(),
                        "' must be an RFC 3339 timestamp such as 2024-05-01T12:00:00.000Z"));
      return false;
    }
    out = *time;
    return true;
  }
  void Sources(const json::Value& value, std::vector<FindingSource>& out) {
    if (!value.is_array()) {
      TypeError(value, "a list of sources");
      return;
    }
    for (json::Value element : value.children()) {
      std::optional<json::Value> type = element.is_object() ? element.Find("type") : std::nullopt;
      std::optional<FindingSourceType> parsed;
      if (type.has_value() && type->is_string()) {
        for (FindingSourceType candidate :
             {FindingSourceType::kPolicy, FindingSourceType::kBucketAcl,
              FindingSourceType::kS3AccessPoint, FindingSourceType::kS3AccessPointAccount}) {
          if (FindingSourceTypeName(candidate) == type->text()) parsed = candidate;
        }
      }
      if (!parsed.has_value()) {
        Fail("finding.invalid-value", element.position(),
             "a source is {\"type\": POLICY|BUCKET_ACL|S3_ACCESS_POINT|S3_ACCESS_POINT_ACCOUNT, "
             "\"detail\": {...}}");
        continue;
      }
      FindingSource source;
      source.type = *parsed;
      if (std::optional<json::Value> detail = element.Find("detail");
          detail.has_value() && detail->is_object()) {
        if (auto arn = detail->Find("accessPointArn"); arn.has_value() && arn->is_string()) {
          source.access_point_arn = std::string(arn->text());
        }
        if (auto account = detail->Find("accessPointAccount");
            account.has_value() && account->is_string()) {
          source.access_point_account = std::string(account->text());
        }
      }
      out.push_back(std::move(source));
    }
  }

  std::vector<base::Issue>& issues_;
  bool failed_ = false;
};

}  // namespace

void WriteFindingSources(json::Writer& w, const std::vector<FindingSource>& sources) {
  WriteSources(w, sources);
}

void WriteFindingExtras(json::Writer& w, const Finding& finding) { WriteExtras(w, finding); }

void WriteFinding(json::Writer& w, const FindingRecord& record, bool perimeter_extras) {
  WriteFindingObject(w, record, perimeter_extras);
}

std::string FindingToJson(const FindingRecord& record, const JsonOptions& options) {
  json::Writer w = MakeWriter(options);
  WriteFindingObject(w, record, options.perimeter_extras);
  return std::move(w).Take();
}

std::string FindingSummaryV2ToJson(const FindingRecord& record, const JsonOptions& options) {
  json::Writer w = MakeWriter(options);
  WriteSummaryV2Members(w, record);
  w.EndObject();
  return std::move(w).Take();
}

std::string FindingObjectJson(const FindingRecord& record) { return FindingToJson(record); }

std::string GetFindingResponseJsonFromObject(std::string_view finding_object) {
  return base::Concat("{\"finding\":", finding_object, "}");
}

std::string GetFindingResponseJson(const FindingRecord& record, const JsonOptions& options) {
  json::Writer w = MakeWriter(options);
  w.BeginObject().Key("finding");
  WriteFindingObject(w, record, options.perimeter_extras);
  w.EndObject();
  return std::move(w).Take();
}

std::string GetFindingV2ResponseJson(const FindingRecord& record, const JsonOptions& options) {
  json::Writer w = MakeWriter(options);
  WriteSummaryV2Members(w, record);
  w.Key("findingDetails").BeginArray();
  if (IsUnusedAccessType(record.finding.type)) {
    for (const UnusedFindingDetails& details : record.finding.unused_details) {
      WriteUnusedFindingDetails(w, details);
    }
  } else if (record.finding.type == FindingType::kInternalAccess) {
    if (record.finding.internal_details.has_value()) {  // error findings have none
      w.BeginObject().Key("internalAccessDetails");
      WriteInternalAccessDetails(w, record.finding);
      w.EndObject();
    }
  } else if (HasAccessDetails(record.finding)) {
    // Error findings have no access to detail [DOC: error findings have empty details].
    w.BeginObject().Key("externalAccessDetails");
    WriteExternalAccessDetails(w, record.finding);
    w.EndObject();
  }
  w.EndArray();
  if (options.perimeter_extras) WriteExtras(w, record.finding);
  w.EndObject();
  return std::move(w).Take();
}

std::string ListFindingsResponseJson(std::span<const FindingRecord> page,
                                     const std::optional<std::string>& next_token,
                                     const JsonOptions& options) {
  json::Writer w = MakeWriter(options);
  w.BeginObject().Key("findings").BeginArray();
  for (const FindingRecord& record : page) WriteFindingObject(w, record, options.perimeter_extras);
  w.EndArray();
  if (next_token.has_value()) w.Key("nextToken").String(*next_token);
  w.EndObject();
  return std::move(w).Take();
}

std::string ListFindingsResponseJsonFromObjects(std::span<const std::string_view> finding_objects,
                                                const std::optional<std::string>& next_token) {
  size_t size = 32;
  for (std::string_view object : finding_objects) size += object.size() + 1;
  std::string out;
  out.reserve(size);
  out.append("{\"findings\":[");
  for (size_t i = 0; i < finding_objects.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.append(finding_objects[i]);
  }
  out.push_back(']');
  if (next_token.has_value()) {
    out.append(",\"nextToken\":");
    json::AppendQuotedValidUtf8(out, *next_token);
  }
  out.push_back('}');
  return out;
}

std::string ListFindingsV2ResponseJson(std::span<const FindingRecord> page,
                                       const std::optional<std::string>& next_token,
                                       const JsonOptions& options) {
  json::Writer w = MakeWriter(options);
  w.BeginObject().Key("findings").BeginArray();
  for (const FindingRecord& record : page) {
    WriteSummaryV2Members(w, record);
    w.EndObject();
  }
  w.EndArray();
  if (next_token.has_value()) w.Key("nextToken").String(*next_token);
  w.EndObject();
  return std::move(w).Take();
}

std::string FilterToJson(const FindingFilter& filter, const JsonOptions& options) {
  json::Writer w = MakeWriter(options);
  WriteFilterObject(w, filter);
  return std::move(w).Take();
}

std::optional<FindingRecord> FindingFromJson(json::Value value, std::vector<base::Issue>& issues) {
  return FindingReader(issues).Read(value);
}

}  // namespace perimeter::findings
