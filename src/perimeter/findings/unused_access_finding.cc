#include "perimeter/findings/unused_access_finding.h"

#include "perimeter/base/text.h"
#include "perimeter/findings/finding.h"
#include "perimeter/findings/finding_record.h"

namespace perimeter::findings {
namespace {

void LastAccessed(json::Writer& w, const std::optional<absl::Time>& time) {
  if (time.has_value()) w.Key("lastAccessed").String(FormatTimestamp(*time));
}

// A member "lastAccessed" read back; false when present but not a timestamp.
bool ReadLastAccessed(const json::Value& object, std::optional<absl::Time>& out) {
  std::optional<json::Value> value = object.Find("lastAccessed");
  if (!value.has_value()) return true;
  if (!value->is_string()) return false;
  out = ParseTimestamp(value->text());
  return out.has_value();
}

}  // namespace

std::optional<FindingType> ParseFindingType(std::string_view name) {
  for (FindingType type : {FindingType::kExternalAccess, FindingType::kInternalAccess,
                           FindingType::kUnusedIamRole, FindingType::kUnusedIamUserAccessKey,
                           FindingType::kUnusedIamUserPassword, FindingType::kUnusedPermission}) {
    if (FindingTypeName(type) == name) return type;
  }
  return std::nullopt;
}

std::optional<UnusedFindingDetails> ParseUnusedFindingDetails(const json::Value& value) {
  if (!value.is_object() || value.size() != 1) return std::nullopt;
  json::Value member = *value.members().begin();
  if (!member.is_object()) return std::nullopt;
  std::string_view kind = member.key();
  if (kind == "unusedIamRoleDetails") {
    UnusedIamRoleDetails details;
    if (!ReadLastAccessed(member, details.last_accessed)) return std::nullopt;
    return details;
  }
  if (kind == "unusedIamUserAccessKeyDetails") {
    UnusedIamUserAccessKeyDetails details;
    std::optional<json::Value> id = member.Find("accessKeyId");
    if (!id || !id->is_string() || !ReadLastAccessed(member, details.last_accessed))
      return std::nullopt;
    details.access_key_id = std::string(id->text());
    return details;
  }
  if (kind == "unusedIamUserPasswordDetails") {
    UnusedIamUserPasswordDetails details;
    if (!ReadLastAccessed(member, details.last_accessed)) return std::nullopt;
    return details;
  }
  if (kind == "unusedPermissionDetails") {
    UnusedPermissionDetails details;
    std::optional<json::Value> service = member.Find("serviceNamespace");
    if (!service || !service->is_string() || !ReadLastAccessed(member, details.last_accessed)) {
      return std::nullopt;
    }
    details.service_namespace = std::string(service->text());
    if (std::optional<json::Value> actions = member.Find("actions")) {
      if (!actions->is_array()) return std::nullopt;
      for (const json::Value& action : actions->children()) {
        std::optional<json::Value> name = action.is_object() ? action.Find("action") : std::nullopt;
        UnusedAction out;
        if (!name || !name->is_string() || !ReadLastAccessed(action, out.last_accessed))
          return std::nullopt;
        out.action = std::string(name->text());
        details.actions.push_back(std::move(out));
      }
    }
    return details;
  }
  return std::nullopt;
}

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
    w.Key("unusedIamUserAccessKeyDetails")
        .BeginObject()
        .Key("accessKeyId")
        .String(key->access_key_id);
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
