#include "perimeter/findings/finding.h"

#include <cstdint>
#include <cstdio>

namespace perimeter::findings {

std::string_view FindingSourceTypeName(FindingSourceType type) {
  switch (type) {
    case FindingSourceType::kPolicy:
      return "POLICY";
    case FindingSourceType::kBucketAcl:
      return "BUCKET_ACL";
    case FindingSourceType::kS3AccessPoint:
      return "S3_ACCESS_POINT";
    case FindingSourceType::kS3AccessPointAccount:
      return "S3_ACCESS_POINT_ACCOUNT";
  }
  return "POLICY";
}

namespace {

// Appends `text` with its length, so that concatenated fields cannot collide.
void AppendField(std::string& out, std::string_view text) {
  out.append(std::to_string(text.size())).push_back(':');
  out.append(text);
}

// FNV-1a, 64-bit, with a given offset basis: two independent halves make a 128-bit id.
uint64_t Fnv1a(std::string_view text, uint64_t basis) {
  uint64_t hash = basis;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace

bool IsUnusedAccessType(FindingType type) {
  switch (type) {
    case FindingType::kExternalAccess:
    case FindingType::kInternalAccess:
      return false;
    case FindingType::kUnusedIamRole:
    case FindingType::kUnusedIamUserAccessKey:
    case FindingType::kUnusedIamUserPassword:
    case FindingType::kUnusedPermission:
      return true;
  }
  return false;
}

Finding ToFinding(const UnusedAccessFinding& unused) {
  Finding finding;
  finding.id = UnusedFindingId(unused);
  finding.resource = unused.resource;
  finding.resource_type = unused.resource_type;
  finding.resource_owner_account = unused.resource_owner_account;
  finding.type = unused.type;
  finding.unused_details = unused.details;
  return finding;
}

void AppendAccessIdentity(std::string& key, std::string_view resource,
                          const std::map<std::string, std::string>& principal,
                          const std::map<std::string, std::string>& condition,
                          const std::vector<FindingSource>& sources) {
  AppendField(key, resource);
  for (const auto& [kind, value] : principal) {
    AppendField(key, kind);
    AppendField(key, value);
  }
  key.push_back('|');
  for (const auto& [name, value] : condition) {
    AppendField(key, name);
    AppendField(key, value);
  }
  key.push_back('|');
  for (const FindingSource& source : sources) {
    AppendField(key, FindingSourceTypeName(source.type));
    AppendField(key, source.access_point_arn.value_or(""));
    AppendField(key, source.access_point_account.value_or(""));
  }
}

std::string FindingKey(const Finding& finding) {
  if (IsUnusedAccessType(finding.type)) {
    return UnusedFindingKey({finding.type, finding.resource, finding.resource_type,
                             finding.resource_owner_account, finding.unused_details});
  }
  std::string key = finding.type == FindingType::kInternalAccess ? "InternalAccess|" : "";
  AppendAccessIdentity(key, finding.resource, finding.principal, finding.condition,
                       finding.sources);
  if (finding.error.has_value()) {
    key.push_back('|');
    AppendField(key, *finding.error);
  }
  return key;
}

std::string StableFindingId(const Finding& finding) { return StableIdOfKey(FindingKey(finding)); }

std::string StableIdOfKey(std::string_view key) {
  uint64_t high = Fnv1a(key, 0xcbf29ce484222325ULL);
  uint64_t low = Fnv1a(key, 0x84222325cbf29ce4ULL);
  // UUID version 8 (custom) layout: xxxxxxxx-xxxx-8xxx-Yxxx-xxxxxxxxxxxx, variant bits 10.
  high = (high & ~0xF000ULL) | 0x8000ULL;
  low = (low & ~(0xC000000000000000ULL)) | 0x8000000000000000ULL;
  char buffer[37];
  std::snprintf(buffer, sizeof(buffer), "%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(high >> 32), static_cast<unsigned>((high >> 16) & 0xFFFF),
                static_cast<unsigned>(high & 0xFFFF), static_cast<unsigned>(low >> 48),
                static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFULL));
  return buffer;
}

}  // namespace perimeter::findings
