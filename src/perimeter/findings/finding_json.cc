#include "perimeter/findings/finding_json.h"

#include <utility>

#include "nlohmann/json.hpp"
#include "perimeter/base/text.h"
#include "perimeter/json/writer.h"

namespace perimeter::findings {

namespace {

// Insertion-ordered, so members come in the model's order.
using Json = nlohmann::ordered_json;

std::string Dump(const Json& value, const JsonOptions& options) {
  // `replace`: invalid UTF-8 becomes U+FFFD instead of an exception (nothing here throws).
  return value.dump(options.indent, ' ', false, Json::error_handler_t::replace);
}

Json StringMap(const std::map<std::string, std::string>& map) {
  Json out = Json::object();
  for (const auto& [key, value] : map) out[key] = value;
  return out;
}

Json Sources(const std::vector<FindingSource>& sources) {
  Json out = Json::array();
  for (const FindingSource& source : sources) {
    Json item = Json::object();
    item["type"] = std::string(FindingSourceTypeName(source.type));
    if (source.access_point_arn.has_value() || source.access_point_account.has_value()) {
      Json detail = Json::object();
      if (source.access_point_arn.has_value()) detail["accessPointArn"] = *source.access_point_arn;
      if (source.access_point_account.has_value()) detail["accessPointAccount"] = *source.access_point_account;
      item["detail"] = std::move(detail);
    }
    out.push_back(std::move(item));
  }
  return out;
}

void AddExtras(const Finding& finding, Json& out) {
  if (finding.error.has_value() && !finding.error_reason.empty()) out["errorReason"] = finding.error_reason;
  if (finding.witness.has_value()) {
    const Witness& witness = *finding.witness;
    Json context = Json::object();
    for (const auto& [key, values] : witness.context) context[key] = values;
    out["witness"] = Json{{"principal", witness.principal},
                          {"principalType", witness.principal_type},
                          {"action", witness.action},
                          {"resource", witness.resource},
                          {"context", std::move(context)}};
  }
  if (!finding.explanation.empty()) {
    Json statements = Json::array();
    for (const StatementRef& ref : finding.explanation) {
      Json item = Json::object();
      item["policy"] = ref.policy;
      item["statementIndex"] = ref.index;
      if (ref.sid.has_value()) item["statementId"] = *ref.sid;
      item["line"] = ref.position.line;
      item["column"] = ref.position.column;
      statements.push_back(std::move(item));
    }
    out["explanation"] = std::move(statements);
  }
}

// The members of ExternalAccessDetails that also sit at the top of Finding: principal, action,
// isPublic, sources — absent on error findings.
bool HasAccessDetails(const Finding& finding) { return !finding.error.has_value(); }

Json FindingObject(const FindingRecord& record, const JsonOptions& options) {
  const Finding& finding = record.finding;
  const bool details = HasAccessDetails(finding);
  Json out = Json::object();
  out["id"] = finding.id;
  if (details && !finding.principal.empty()) out["principal"] = StringMap(finding.principal);
  if (details && !finding.actions.empty()) out["action"] = finding.actions;
  if (!finding.resource.empty()) out["resource"] = finding.resource;
  if (details) out["isPublic"] = finding.is_public;
  out["resourceType"] = finding.resource_type;
  out["condition"] = details ? StringMap(finding.condition) : Json::object();
  out["createdAt"] = FormatTimestamp(record.created_at);
  out["analyzedAt"] = FormatTimestamp(record.analyzed_at);
  out["updatedAt"] = FormatTimestamp(record.updated_at);
  out["status"] = std::string(FindingStatusName(record.status));
  out["resourceOwnerAccount"] = finding.resource_owner_account;
  if (finding.error.has_value()) out["error"] = *finding.error;
  if (details && !finding.sources.empty()) out["sources"] = Sources(finding.sources);
  if (details) out["resourceControlPolicyRestriction"] = "NOT_APPLICABLE";
  if (options.perimeter_extras) AddExtras(finding, out);
  return out;
}

// FindingObject without extras, written straight to text (the server's hot path: GetFinding and
// ListFindings pages). Same members in the same order; strings escaped by json::Quote, which gives
// the same JSON values as nlohmann's dump for valid UTF-8 (callers check the text and fall back to the
// DOM path, which replaces invalid sequences, when it is not).
void WriteFindingObject(json::Writer& w, const FindingRecord& record) {
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
    w.Key("sources").BeginArray();
    for (const FindingSource& source : finding.sources) {
      w.BeginObject().Key("type").String(FindingSourceTypeName(source.type));
      if (source.access_point_arn.has_value() || source.access_point_account.has_value()) {
        w.Key("detail").BeginObject();
        if (source.access_point_arn.has_value()) w.Key("accessPointArn").String(*source.access_point_arn);
        if (source.access_point_account.has_value()) w.Key("accessPointAccount").String(*source.access_point_account);
        w.EndObject();
      }
      w.EndObject();
    }
    w.EndArray();
  }
  if (details) w.Key("resourceControlPolicyRestriction").String("NOT_APPLICABLE");
  w.EndObject();
}

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || i + length > text.size() || (length == 2 && c < 0xC2)) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
    }
    if (length == 3) {
      unsigned char d = static_cast<unsigned char>(text[i + 1]);
      if ((c == 0xE0 && d < 0xA0) || (c == 0xED && d >= 0xA0)) return false;  // overlong, surrogates
    }
    if (length == 4) {
      unsigned char d = static_cast<unsigned char>(text[i + 1]);
      if ((c == 0xF0 && d < 0x90) || c > 0xF4 || (c == 0xF4 && d >= 0x90)) return false;
    }
    i += length;
  }
  return true;
}

bool Direct(const JsonOptions& options) { return !options.perimeter_extras && options.indent < 0; }

// FindingSummaryV2 members in the model's order; GetFindingV2Response adds findingDetails.
Json SummaryV2Object(const FindingRecord& record) {
  const Finding& finding = record.finding;
  Json out = Json::object();
  out["analyzedAt"] = FormatTimestamp(record.analyzed_at);
  out["createdAt"] = FormatTimestamp(record.created_at);
  if (finding.error.has_value()) out["error"] = *finding.error;
  out["id"] = finding.id;
  if (!finding.resource.empty()) out["resource"] = finding.resource;
  out["resourceType"] = finding.resource_type;
  out["resourceOwnerAccount"] = finding.resource_owner_account;
  out["status"] = std::string(FindingStatusName(record.status));
  out["updatedAt"] = FormatTimestamp(record.updated_at);
  out["findingType"] = "ExternalAccess";
  return out;
}

// SummaryV2Object written straight to text (ListFindingsV2 pages), as WriteFindingObject.
void WriteSummaryV2Object(json::Writer& w, const FindingRecord& record) {
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
  w.Key("findingType").String("ExternalAccess");
  w.EndObject();
}

Json ExternalAccessDetails(const Finding& finding) {
  Json details = Json::object();
  if (!finding.actions.empty()) details["action"] = finding.actions;
  details["condition"] = StringMap(finding.condition);
  details["isPublic"] = finding.is_public;
  if (!finding.principal.empty()) details["principal"] = StringMap(finding.principal);
  if (!finding.sources.empty()) details["sources"] = Sources(finding.sources);
  details["resourceControlPolicyRestriction"] = "NOT_APPLICABLE";
  return details;
}

Json FilterObject(const FindingFilter& filter) {
  Json out = Json::object();
  for (const Criterion& criterion : filter.criteria()) {
    Json item = Json::object();
    if (!criterion.eq.empty()) item["eq"] = criterion.eq;
    if (!criterion.neq.empty()) item["neq"] = criterion.neq;
    if (!criterion.contains.empty()) item["contains"] = criterion.contains;
    if (criterion.exists.has_value()) item["exists"] = *criterion.exists;
    out[criterion.key] = std::move(item);
  }
  return out;
}

// --- Reading ---

base::Issue Error(std::string code, const base::SourcePosition& position, std::string message) {
  return base::Issue{base::Severity::kError, std::move(code), position, std::move(message)};
}

class FindingReader {
 public:
  explicit FindingReader(std::vector<base::Issue>& issues) : issues_(issues) {}

  std::optional<FindingRecord> Read(json::Value value) {
    if (!value.is_object()) {
      Fail("finding.type", value.position(),
           base::Concat("a finding must be an object, not ", json::KindName(value.kind())));
      return std::nullopt;
    }
    FindingRecord record;
    Finding& finding = record.finding;
    bool seen_id = false, seen_type = false, seen_condition = false, seen_created = false, seen_analyzed = false,
         seen_updated = false, seen_status = false, seen_owner = false;
    for (json::Value member : value.members()) {
      std::string_view key = member.key();
      if (key == "id") {
        seen_id = String(member, finding.id);
      } else if (key == "principal") {
        StringMap(member, finding.principal);
      } else if (key == "action") {
        StringList(member, finding.actions);
      } else if (key == "resource") {
        String(member, finding.resource);
      } else if (key == "isPublic") {
        if (member.is_bool()) {
          finding.is_public = member.boolean();
        } else {
          TypeError(member, "true or false");
        }
      } else if (key == "resourceType") {
        seen_type = String(member, finding.resource_type);
      } else if (key == "condition") {
        seen_condition = StringMap(member, finding.condition);
      } else if (key == "createdAt") {
        seen_created = Time(member, record.created_at);
      } else if (key == "analyzedAt") {
        seen_analyzed = Time(member, record.analyzed_at);
      } else if (key == "updatedAt") {
        seen_updated = Time(member, record.updated_at);
      } else if (key == "status") {
        std::optional<FindingStatus> status;
        if (member.is_string()) status = ParseFindingStatus(member.text());
        if (status.has_value()) {
          record.status = *status;
          seen_status = true;
        } else {
          Fail("finding.invalid-value", member.position(), "status must be ACTIVE, ARCHIVED or RESOLVED");
        }
      } else if (key == "resourceOwnerAccount") {
        seen_owner = String(member, finding.resource_owner_account);
      } else if (key == "error") {
        std::string error;
        if (String(member, error)) finding.error = std::move(error);
      } else if (key == "errorReason") {
        String(member, finding.error_reason);
      } else if (key == "sources") {
        Sources(member, finding.sources);
      } else if (key == "resourceControlPolicyRestriction" || key == "witness" || key == "explanation") {
        // Derived (RCP) or Perimeter's extras: not part of the record's identity; skipped.
      } else {
        Fail("finding.unknown-member", member.key_position(), base::Concat("unknown finding member '", key, "'"));
      }
    }
    auto require = [&](bool seen, std::string_view name) {
      if (!seen) Fail("finding.missing-member", value.position(), base::Concat("a finding needs \"", name, "\""));
    };
    require(seen_id, "id");
    require(seen_type, "resourceType");
    require(seen_condition, "condition");
    require(seen_created, "createdAt");
    require(seen_analyzed, "analyzedAt");
    require(seen_updated, "updatedAt");
    require(seen_status, "status");
    require(seen_owner, "resourceOwnerAccount");
    if (failed_) return std::nullopt;
    return record;
  }

 private:
  void Fail(std::string code, const base::SourcePosition& position, std::string message) {
    issues_.push_back(Error(std::move(code), position, std::move(message)));
    failed_ = true;
  }
  void TypeError(const json::Value& value, std::string_view expected) {
    Fail("finding.type", value.position(),
         base::Concat("'", value.key(), "' must be ", expected, ", not ", json::KindName(value.kind())));
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
           base::Concat("'", value.key(), "' must be an RFC 3339 timestamp such as 2024-05-01T12:00:00.000Z"));
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
             {FindingSourceType::kPolicy, FindingSourceType::kBucketAcl, FindingSourceType::kS3AccessPoint,
              FindingSourceType::kS3AccessPointAccount}) {
          if (FindingSourceTypeName(candidate) == type->text()) parsed = candidate;
        }
      }
      if (!parsed.has_value()) {
        Fail("finding.invalid-value", element.position(),
             "a source is {\"type\": POLICY|BUCKET_ACL|S3_ACCESS_POINT|S3_ACCESS_POINT_ACCOUNT, \"detail\": {...}}");
        continue;
      }
      FindingSource source;
      source.type = *parsed;
      if (std::optional<json::Value> detail = element.Find("detail"); detail.has_value() && detail->is_object()) {
        if (auto arn = detail->Find("accessPointArn"); arn.has_value() && arn->is_string()) {
          source.access_point_arn = std::string(arn->text());
        }
        if (auto account = detail->Find("accessPointAccount"); account.has_value() && account->is_string()) {
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

std::string FindingToJson(const FindingRecord& record, const JsonOptions& options) {
  return Dump(FindingObject(record, options), options);
}

std::string FindingSummaryV2ToJson(const FindingRecord& record, const JsonOptions& options) {
  return Dump(SummaryV2Object(record), options);
}

std::string FindingObjectJson(const FindingRecord& record) {
  json::Writer w;
  WriteFindingObject(w, record);
  std::string text = std::move(w).Take();
  if (IsValidUtf8(text)) return text;
  return Dump(FindingObject(record, JsonOptions{}), JsonOptions{});
}

std::string GetFindingResponseJsonFromObject(std::string_view finding_object) {
  return base::Concat("{\"finding\":", finding_object, "}");
}

std::string GetFindingResponseJson(const FindingRecord& record, const JsonOptions& options) {
  if (Direct(options)) return GetFindingResponseJsonFromObject(FindingObjectJson(record));
  Json out = Json::object();
  out["finding"] = FindingObject(record, options);
  return Dump(out, options);
}

std::string GetFindingV2ResponseJson(const FindingRecord& record, const JsonOptions& options) {
  Json out = SummaryV2Object(record);
  Json details = Json::array();
  // Error findings have no access to detail [DOC: error findings have empty details].
  if (HasAccessDetails(record.finding)) {
    details.push_back(Json{{"externalAccessDetails", ExternalAccessDetails(record.finding)}});
  }
  out["findingDetails"] = std::move(details);
  if (options.perimeter_extras) AddExtras(record.finding, out);
  return Dump(out, options);
}

std::string ListFindingsResponseJson(std::span<const FindingRecord> page, const std::optional<std::string>& next_token,
                                     const JsonOptions& options) {
  if (Direct(options)) {
    json::Writer w;
    w.BeginObject().Key("findings").BeginArray();
    for (const FindingRecord& record : page) WriteFindingObject(w, record);
    w.EndArray();
    if (next_token.has_value()) w.Key("nextToken").String(*next_token);
    w.EndObject();
    std::string text = std::move(w).Take();
    if (IsValidUtf8(text)) return text;
  }
  Json findings = Json::array();
  for (const FindingRecord& record : page) findings.push_back(FindingObject(record, options));
  Json out = Json::object();
  out["findings"] = std::move(findings);
  if (next_token.has_value()) out["nextToken"] = *next_token;
  return Dump(out, options);
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
    json::AppendQuoted(out, *next_token);
  }
  out.push_back('}');
  return out;
}

std::string ListFindingsV2ResponseJson(std::span<const FindingRecord> page,
                                       const std::optional<std::string>& next_token, const JsonOptions& options) {
  if (Direct(options)) {
    json::Writer w;
    w.BeginObject().Key("findings").BeginArray();
    for (const FindingRecord& record : page) WriteSummaryV2Object(w, record);
    w.EndArray();
    if (next_token.has_value()) w.Key("nextToken").String(*next_token);
    w.EndObject();
    std::string text = std::move(w).Take();
    if (IsValidUtf8(text)) return text;
  }
  Json findings = Json::array();
  for (const FindingRecord& record : page) findings.push_back(SummaryV2Object(record));
  Json out = Json::object();
  out["findings"] = std::move(findings);
  if (next_token.has_value()) out["nextToken"] = *next_token;
  return Dump(out, options);
}

std::string FilterToJson(const FindingFilter& filter, const JsonOptions& options) {
  return Dump(FilterObject(filter), options);
}

std::optional<FindingRecord> FindingFromJson(json::Value value, std::vector<base::Issue>& issues) {
  return FindingReader(issues).Read(value);
}

}  // namespace perimeter::findings
