#include "perimeter/findings/unused_access_finding.h"

#include "perimeter/base/text.h"
#include "perimeter/findings/finding.h"
#include "perimeter/findings/finding_record.h"

namespace perimeter::findings {
namespace {

void LastAccessed(json::Writer& w, const std::optional<absl::Time>& time) {
  if (time.has_value()) w.Key("lastAccessed").String(FormatTimestamp(*time));
}

}  // namespace

std::string UnusedFindingKey(const UnusedAccessFinding& finding) {
  std::string key = base::Concat(FindingTypeName(finding.type), "\n", finding.resource);
  if (finding.type == FindingType::kUnusedIamUserAccessKey && !finding.details.empty()) {
    if (const auto* details = std::get_if<UnusedIamUserAccessKeyDetails>(&finding.details[0])) {
      key = base::Concat(key, "\n", details->access_key_id);
    }
  }
  return key;
}

std::string UnusedFindingId(const UnusedAccessFinding& finding) {
  return StableIdOfKey(UnusedFindingKey(finding));
}

void WriteUnusedFindingDetails(json::Writer& w, const UnusedFindingDetails& details) {
  w.BeginObject();
  if (const auto* role = std::get_if<UnusedIamRoleDetails>(&details)) {
    w.Key("unusedIamRoleDetails").BeginObject();
    LastAccessed(w, role->last_accessed);
    w.EndObject();
  } else if (const auto* key = std::get_if<UnusedIamUserAccessKeyDetails>(&details)) {
    w.Key("unusedIamUserAccessKeyDetails").BeginObject().Key("accessKeyId").String(key->access_key_id);
    LastAccessed(w, key->last_accessed);
    w.EndObject();
  } else if (const auto* password = std::get_if<UnusedIamUserPasswordDetails>(&details)) {
    w.Key("unusedIamUserPasswordDetails").BeginObject();
    LastAccessed(w, password->last_accessed);
    w.EndObject();
  } else if (const auto* permission = std::get_if<UnusedPermissionDetails>(&details)) {
    w.Key("unusedPermissionDetails").BeginObject();
    if (!permission->actions.empty()) {
      w.Key("actions").BeginArray();
      for (const UnusedAction& action : permission->actions) {
        w.BeginObject().Key("action").String(action.action);
        LastAccessed(w, action.last_accessed);
        w.EndObject();
      }
      w.EndArray();
    }
    w.Key("serviceNamespace").String(permission->service_namespace);
    LastAccessed(w, permission->last_accessed);
    w.EndObject();
  }
  w.EndObject();
}

}  // namespace perimeter::findings
