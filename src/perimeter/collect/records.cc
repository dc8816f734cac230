#include "perimeter/collect/records.h"

#include "perimeter/json/writer.h"

namespace perimeter::collect {

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kAccessDenied:
      return "AccessDenied";
    case ErrorKind::kRegionDisabled:
      return "RegionDisabled";
    case ErrorKind::kDeleted:
      return "Deleted";
    case ErrorKind::kMalformedAnswer:
      return "MalformedAnswer";
    case ErrorKind::kThrottled:
      return "Throttled";
    case ErrorKind::kUnavailable:
      return "Unavailable";
    case ErrorKind::kOther:
      return "Other";
  }
  return "Other";
}

std::string ResourceLine(const ResourceRecord& record) {
  json::Writer w;
  w.BeginObject().Key("kind").String("resource").Key("resourceArn").String(record.arn);
  w.Key("resourceType").String(record.type).Key("resourceOwnerAccount").String(record.owner);
  if (!record.region.empty()) w.Key("region").String(record.region);
  w.Key("configuration").BeginObject().Key(record.member).Raw(record.configuration_json);
  w.EndObject().EndObject();
  return std::move(w).Take();
}

std::string AccountLine(std::string_view account_id, const std::vector<std::string>& regions,
                        const PublicAccessBlock* block) {
  json::Writer w;
  w.BeginObject().Key("kind").String("account").Key("accountId").String(account_id);
  if (block != nullptr) {
    w.Key("s3PublicAccessBlock").BeginObject();
    w.Key("blockPublicAcls").Bool(block->block_public_acls);
    w.Key("ignorePublicAcls").Bool(block->ignore_public_acls);
    w.Key("blockPublicPolicy").Bool(block->block_public_policy);
    w.Key("restrictPublicBuckets").Bool(block->restrict_public_buckets);
    w.EndObject();
  }
  w.Key("enabledRegions").StringArray(regions);
  w.EndObject();
  return std::move(w).Take();
}

std::string OrganizationLine(std::string_view organization_id, std::string_view management_account,
                             const std::vector<OrganizationAccountEntry>& accounts) {
  json::Writer w;
  w.BeginObject().Key("kind").String("organization").Key("organizationId").String(organization_id);
  w.Key("managementAccount").String(management_account).Key("accounts").BeginArray();
  for (const OrganizationAccountEntry& account : accounts) {
    w.BeginObject().Key("accountId").String(account.account_id);
    // Unknown (ListParents failed, recorded as an error): left out rather than guessed.
    if (!account.ou_path.empty()) w.Key("ouPath").String(account.ou_path);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return std::move(w).Take();
}

std::string ErrorLine(const CollectionError& error) {
  json::Writer w;
  w.BeginObject().Key("kind").String("collectionError");
  w.Key("errorKind").String(ErrorKindName(error.kind));
  if (!error.account.empty()) w.Key("accountId").String(error.account);
  if (!error.region.empty()) w.Key("region").String(error.region);
  w.Key("service").String(error.service).Key("operation").String(error.operation);
  if (!error.resource.empty()) w.Key("resource").String(error.resource);
  if (!error.code.empty()) w.Key("errorCode").String(error.code);
  w.Key("message").String(error.message).EndObject();
  return std::move(w).Take();
}

}  // namespace perimeter::collect
