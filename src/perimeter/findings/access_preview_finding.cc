#include "perimeter/findings/access_preview_finding.h"

#include <utility>

#include "perimeter/base/text.h"
#include "perimeter/findings/finding_json.h"
#include "perimeter/json/document.h"

namespace perimeter::findings {

std::string_view FindingChangeTypeName(FindingChangeType type) {
  switch (type) {
    case FindingChangeType::kChanged:
      return "CHANGED";
    case FindingChangeType::kNew:
      return "NEW";
    case FindingChangeType::kUnchanged:
      return "UNCHANGED";
  }
  return "NEW";
}

std::optional<FindingChangeType> ParseFindingChangeType(std::string_view name) {
  for (FindingChangeType type :
       {FindingChangeType::kChanged, FindingChangeType::kNew, FindingChangeType::kUnchanged}) {
    if (FindingChangeTypeName(type) == name) return type;
  }
  return std::nullopt;
}

void WriteAccessPreviewFinding(json::Writer& w, const AccessPreviewFinding& preview,
                               bool perimeter_extras) {
  const FindingRecord& record = preview.record;
  const Finding& finding = record.finding;
  // Error findings carry no access details, as in Finding (finding_json.h).
  const bool details = !finding.error.has_value();
  w.BeginObject().Key("id").String(finding.id);
  if (preview.existing_finding_id) w.Key("existingFindingId").String(*preview.existing_finding_id);
  if (preview.existing_finding_status) {
    w.Key("existingFindingStatus").String(FindingStatusName(*preview.existing_finding_status));
  }
  if (details && !finding.principal.empty()) w.Key("principal").StringMap(finding.principal);
  if (details && !finding.actions.empty()) w.Key("action").StringArray(finding.actions);
  if (details) w.Key("condition").StringMap(finding.condition);
  if (!finding.resource.empty()) w.Key("resource").String(finding.resource);
  if (details) w.Key("isPublic").Bool(finding.is_public);
  w.Key("resourceType").String(finding.resource_type);
  w.Key("createdAt").String(FormatTimestamp(record.created_at));
  w.Key("changeType").String(FindingChangeTypeName(preview.change_type));
  w.Key("status").String(FindingStatusName(record.status));
  w.Key("resourceOwnerAccount").String(finding.resource_owner_account);
  if (finding.error.has_value()) w.Key("error").String(*finding.error);
  if (details && !finding.sources.empty()) {
    w.Key("sources");
    WriteFindingSources(w, finding.sources);
  }
  if (details) w.Key("resourceControlPolicyRestriction").String("NOT_APPLICABLE");
  if (perimeter_extras) WriteFindingExtras(w, finding);
  w.EndObject();
}

std::string EncodeAccessPreviewFindings(std::span<const AccessPreviewFinding> findings) {
  json::Writer w;
  w.BeginArray();
  for (const AccessPreviewFinding& preview : findings) {
    w.BeginObject().Key("finding");
    WriteFinding(w, preview.record, /*perimeter_extras=*/true);
    w.Key("changeType").String(FindingChangeTypeName(preview.change_type));
    if (preview.existing_finding_id)
      w.Key("existingFindingId").String(*preview.existing_finding_id);
    if (preview.existing_finding_status) {
      w.Key("existingFindingStatus").String(FindingStatusName(*preview.existing_finding_status));
    }
    w.EndObject();
  }
  w.EndArray();
  return std::move(w).Take();
}

std::optional<std::vector<AccessPreviewFinding>> DecodeAccessPreviewFindings(
    std::string_view text, std::vector<base::Issue>& issues) {
  json::ParseResult parsed = json::Parse(std::string(text));
  if (!parsed.ok() || !parsed.document.root().is_array()) {
    issues.push_back({base::Severity::kError, "preview.syntax", {}, "not a JSON array"});
    return std::nullopt;
  }
  std::vector<AccessPreviewFinding> out;
  bool ok = true;
  for (json::Value element : parsed.document.root().children()) {
    auto fail = [&](std::string message) {
      issues.push_back(
          {base::Severity::kError, "preview.invalid", element.position(), std::move(message)});
      ok = false;
    };
    std::optional<json::Value> finding =
        element.is_object() ? element.Find("finding") : std::nullopt;
    std::optional<json::Value> change =
        element.is_object() ? element.Find("changeType") : std::nullopt;
    if (!finding || !change || !change->is_string()) {
      fail("an access preview finding needs `finding` and `changeType`");
      continue;
    }
    std::optional<FindingRecord> record = FindingFromJson(*finding, issues);
    std::optional<FindingChangeType> type = ParseFindingChangeType(change->text());
    if (!record || !type) {
      fail(base::Concat("unreadable access preview finding (changeType \"", change->text(), "\")"));
      continue;
    }
    AccessPreviewFinding preview{std::move(*record), *type, std::nullopt, std::nullopt};
    if (std::optional<json::Value> id = element.Find("existingFindingId"); id && id->is_string())
      preview.existing_finding_id = std::string(id->text());
    if (std::optional<json::Value> status = element.Find("existingFindingStatus");
        status && status->is_string()) {
      preview.existing_finding_status = ParseFindingStatus(status->text());
    }
    out.push_back(std::move(preview));
  }
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace perimeter::findings
