// The collector's output records: the inventory format of docs/inventory.md (one JSON object a
// line: `resource`, `account`, `organization`), plus `collectionError` records for what could not
// be read (docs/collect.md) so that a gap in the inventory is never silent. Pure.
#ifndef PERIMETER_COLLECT_RECORDS_H_
#define PERIMETER_COLLECT_RECORDS_H_

#include <string>
#include <string_view>
#include <vector>

namespace perimeter::collect {

struct ResourceRecord {
  std::string arn;
  std::string type;                // "AWS::S3::Bucket"
  std::string owner;               // the account id
  std::string region;              // "" for global resources (IAM roles)
  std::string member;              // the configuration's member: "s3Bucket"
  std::string configuration_json;  // that member's value, a JSON object
};

struct OrganizationAccountEntry {
  std::string account_id;
  std::string ou_path;  // "o-xxx/r-xxx/ou-xxx/": aws:PrincipalOrgPaths
};

struct PublicAccessBlock {
  bool block_public_acls = false;
  bool ignore_public_acls = false;
  bool block_public_policy = false;
  bool restrict_public_buckets = false;
};

// Why a piece of the environment is missing from the output.
enum class ErrorKind {
  kAccessDenied,     // AccessDenied and its service variants
  kRegionDisabled,   // an opt-in region the account has not enabled, or a service absent there
  kDeleted,          // the resource went away between the list and the read
  kMalformedAnswer,  // the answer could not be read
  kThrottled,        // still throttled after the retries
  kUnavailable,      // no answer, or 5xx after the retries
  kOther,            // any other AWS error
};
std::string_view ErrorKindName(ErrorKind kind);  // "AccessDenied", "RegionDisabled", ...

struct CollectionError {
  ErrorKind kind;
  std::string account;    // "" before the account is known
  std::string region;     // "" for global calls
  std::string service;    // "S3", the service id
  std::string operation;  // "GetBucketPolicy"
  std::string resource;   // the ARN or name concerned; "" for a list call
  std::string code;       // the AWS error code; "" when none
  std::string message;
};

// One line each, without the newline.
std::string ResourceLine(const ResourceRecord& record);
std::string AccountLine(std::string_view account_id, const std::vector<std::string>& regions,
                        const PublicAccessBlock* block);
std::string OrganizationLine(std::string_view organization_id, std::string_view management_account,
                             const std::vector<OrganizationAccountEntry>& accounts);
std::string ErrorLine(const CollectionError& error);

}  // namespace perimeter::collect

#endif  // PERIMETER_COLLECT_RECORDS_H_
