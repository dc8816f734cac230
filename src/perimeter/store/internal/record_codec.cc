#include "perimeter/store/internal/record_codec.h"

#include <optional>

#include "perimeter/findings/internal_access_record.h"
#include "perimeter/json/document.h"
#include "perimeter/json/writer.h"

namespace perimeter::store::internal {

namespace {

absl::Status Corrupt(std::string_view what) {
  return absl::InternalError(std::string("corrupt stored record: ") + std::string(what));
}

std::optional<findings::FindingSourceType> ParseSourceType(std::string_view name) {
  for (auto type : {findings::FindingSourceType::kPolicy, findings::FindingSourceType::kBucketAcl,
                    findings::FindingSourceType::kS3AccessPoint,
                    findings::FindingSourceType::kS3AccessPointAccount}) {
    if (findings::FindingSourceTypeName(type) == name) return type;
  }
  return std::nullopt;
}

bool ReadStringMap(json::Value value, std::map<std::string, std::string>& out) {
  if (!value.is_object()) return false;
  for (json::Value member : value.members()) {
    if (!member.is_string()) return false;
    out.emplace(std::string(member.key()), std::string(member.text()));
  }
  return true;
}

}  // namespace

std::string EncodeFinding(const findings::Finding& finding) {
  json::Writer w;
  w.BeginObject();
  w.Key("id").String(finding.id);
  w.Key("principal").StringMap(finding.principal);
  w.Key("action").StringArray(finding.actions);
  w.Key("condition").StringMap(finding.condition);
  w.Key("isPublic").Bool(finding.is_public);
  w.Key("resource").String(finding.resource);
  w.Key("resourceType").String(finding.resource_type);
  w.Key("resourceOwnerAccount").String(finding.resource_owner_account);
  w.Key("sources").BeginArray();
  for (const findings::FindingSource& source : finding.sources) {
    w.BeginObject().Key("type").String(findings::FindingSourceTypeName(source.type));
    if (source.access_point_arn) w.Key("accessPointArn").String(*source.access_point_arn);
    if (source.access_point_account)
      w.Key("accessPointAccount").String(*source.access_point_account);
    w.EndObject();
  }
  w.EndArray();
  if (finding.error) w.Key("error").String(*finding.error);
  if (!finding.error_reason.empty()) w.Key("errorReason").String(finding.error_reason);
  if (finding.type != findings::FindingType::kExternalAccess) {
    w.Key("findingType").String(findings::FindingTypeName(finding.type));
    w.Key("findingDetails").BeginArray();
    for (const findings::UnusedFindingDetails& details : finding.unused_details) {
      findings::WriteUnusedFindingDetails(w, details);
    }
    w.EndArray();
  }
  if (finding.internal_details) {
    w.Key("internalAccessDetails");
    findings::WriteInternalAccessDetails(w, finding);
  }
  w.EndObject();
  return std::move(w).Take();
}

absl::StatusOr<findings::Finding> DecodeFinding(std::string_view text) {
  json::ParseResult parsed = json::Parse(std::string(text));
  if (!parsed.ok() || !parsed.document.root().is_object())
    return Corrupt("finding is not a JSON object");
  json::Value root = parsed.document.root();
  findings::Finding finding;
  auto string_member = [&](std::string_view key, std::string& out) {
    std::optional<json::Value> value = root.Find(key);
    if (value && value->is_string()) out = std::string(value->text());
  };
  string_member("id", finding.id);
  string_member("resource", finding.resource);
  string_member("resourceType", finding.resource_type);
  string_member("resourceOwnerAccount", finding.resource_owner_account);
  string_member("errorReason", finding.error_reason);
  if (auto value = root.Find("principal"); value && !ReadStringMap(*value, finding.principal)) {
    return Corrupt("finding principal");
  }
  if (auto value = root.Find("condition"); value && !ReadStringMap(*value, finding.condition)) {
    return Corrupt("finding condition");
  }
  if (auto value = root.Find("action"); value && value->is_array()) {
    for (json::Value action : value->children()) {
      if (!action.is_string()) return Corrupt("finding action");
      finding.actions.emplace_back(action.text());
    }
  }
  if (auto value = root.Find("isPublic"); value && value->is_bool())
    finding.is_public = value->boolean();
  if (auto value = root.Find("error"); value && value->is_string())
    finding.error = std::string(value->text());
  if (auto value = root.Find("findingType"); value && value->is_string()) {
    std::optional<findings::FindingType> type = findings::ParseFindingType(value->text());
    if (!type) return Corrupt("finding type");
    finding.type = *type;
  }
  if (auto value = root.Find("findingDetails"); value && value->is_array()) {
    for (json::Value details : value->children()) {
      std::optional<findings::UnusedFindingDetails> parsed =
          findings::ParseUnusedFindingDetails(details);
      if (!parsed) return Corrupt("finding details");
      finding.unused_details.push_back(std::move(*parsed));
    }
  }
  if (auto value = root.Find("internalAccessDetails"); value) {
    finding.internal_details = findings::ParseInternalAccessDetails(*value);
    if (!finding.internal_details) return Corrupt("internal access details");
  }
  if (auto value = root.Find("sources"); value && value->is_array()) {
    for (json::Value source : value->children()) {
      std::optional<json::Value> type = source.is_object() ? source.Find("type") : std::nullopt;
      std::optional<findings::FindingSourceType> parsed_type =
          type && type->is_string() ? ParseSourceType(type->text()) : std::nullopt;
      if (!parsed_type) return Corrupt("finding source");
      findings::FindingSource out;
      out.type = *parsed_type;
      if (auto arn = source.Find("accessPointArn"); arn && arn->is_string())
        out.access_point_arn = std::string(arn->text());
      if (auto account = source.Find("accessPointAccount"); account && account->is_string()) {
        out.access_point_account = std::string(account->text());
      }
      finding.sources.push_back(std::move(out));
    }
  }
  return finding;
}

std::string EncodeStringMap(const std::map<std::string, std::string>& map) {
  json::Writer w;
  w.StringMap(map);
  return std::move(w).Take();
}

absl::StatusOr<std::map<std::string, std::string>> DecodeStringMap(std::string_view text) {
  std::map<std::string, std::string> out;
  if (text.empty()) return out;
  json::ParseResult parsed = json::Parse(std::string(text));
  if (!parsed.ok() || !ReadStringMap(parsed.document.root(), out)) return Corrupt("string map");
  return out;
}

}  // namespace perimeter::store::internal
