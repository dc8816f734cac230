// What the resources layer reads and returns: one resource of an inventory
// (docs/inventory.md) with its configuration, the account-level settings
// that change its analysis, the organization it lives in, and the result of
// analyzing it.
//
// The configuration is kept as the parsed JSON value of its `Configuration`
// union member (AWS IAM Access Analyzer API, "Configuration": s3Bucket,
// iamRole, kmsKey, ...). Each type's module reads it (resources/<type>.h) when
// it analyzes the resource, so the inventory reader and access previews share
// one reader per type.
#ifndef PERIMETER_RESOURCES_RESOURCE_H_
#define PERIMETER_RESOURCES_RESOURCE_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/base/issue.h"
#include "perimeter/base/source_position.h"
#include "perimeter/findings/finding.h"
#include "perimeter/json/document.h"
#include "perimeter/reasoning/zone_of_trust.h"

namespace perimeter::resources {

// Every resource type an external-access analyzer covers (Access Analyzer API,
// "ResourceType"; IAM User Guide, "IAM Access Analyzer resource types for
// external access").
enum class ResourceType {
  kS3Bucket,
  kS3ExpressDirectoryBucket,
  kIamRole,
  kKmsKey,
  kLambdaFunction,
  kLambdaLayerVersion,
  kSqsQueue,
  kSnsTopic,
  kSecretsManagerSecret,
  kEcrRepository,
  kEfsFileSystem,
  kDynamoDbTable,
  kDynamoDbStream,
  kEbsSnapshot,
  kRdsDbSnapshot,
  kRdsDbClusterSnapshot,
};

// AWS's name: "AWS::S3::Bucket", ...
std::string_view ResourceTypeName(ResourceType type);

// Maps positions inside one record's JSON document to positions in the
// inventory file. JSON Lines records are parsed one line at a time, so their
// documents start at (line_base, column_base).
//
// A configuration synthesised from another format (ingest/: a CloudFormation
// template, a Terraform plan) is not the text of the file, so Locate is exact
// only at the resource's primary member; where the converter knew the place of
// each Statement of a policy in the file, `policies` holds it.
struct SynthesizedPolicy {
  uint32_t begin = 0;  // the record offsets of the policy member's value: [begin, end)
  uint32_t end = 0;
  base::SourcePosition position;  // the member's place in the source file
  std::vector<base::SourcePosition>
      statements;  // in the source file, by statement index; may be empty
};

struct RecordLocation {
  uint32_t line_base = 1;
  uint32_t column_base = 1;
  uint32_t offset_base = 0;
  // Null for an inventory record (its text is the file's); for a synthesised
  // configuration, one entry per member.
  std::shared_ptr<const std::vector<SynthesizedPolicy>> policies;

  // The place in the source file of a place in the record; for a synthesised configuration, the
  // place of the member that holds it.
  base::SourcePosition Locate(const base::SourcePosition &in_record) const;
  // The synthesised policy whose value holds the record offset `offset`, or null.
  const SynthesizedPolicy *FindPolicy(uint32_t offset) const;
};

struct Resource {
  std::string arn;
  ResourceType type = ResourceType::kS3Bucket;
  std::string owner_account;
  std::string region;  // "" for global resources (IAM roles)
  // The value of the configuration's union member (the object under "s3Bucket",
  // ...). Belongs to `document`, which the resource keeps alive.
  json::Value configuration;
  std::shared_ptr<const json::Document> document;
  std::string source_name;  // the inventory file, for messages
  RecordLocation location;
  base::SourcePosition position;  // of the record in the file
};

// S3 Block Public Access settings (S3 API, "PublicAccessBlockConfiguration").
// Only the two "ignore" / "restrict" settings change existing access; the two
// "block" settings only reject future PUTs.
struct S3PublicAccessBlock {
  bool block_public_acls = false;
  bool ignore_public_acls = false;
  bool block_public_policy = false;
  bool restrict_public_buckets = false;
};

// A `kind: "account"` record.
struct AccountSettings {
  std::string account_id;
  std::optional<S3PublicAccessBlock> s3_public_access_block;
  std::vector<std::string> enabled_regions;
  // The account's Amazon S3 canonical user id, when known: ACL grants to it are
  // grants to the owner.
  std::optional<std::string> canonical_user_id;
  base::SourcePosition position;
};

// A `kind: "organization"` record.
struct OrganizationRecord {
  reasoning::Organization organization;
  base::SourcePosition position;
};

// The outcome of analyzing one resource: its findings (including error
// findings, which name the reason the analysis could not be completed) and the
// problems found in its configuration, positioned in the inventory file.
struct ResourceAnalysis {
  std::vector<findings::Finding> findings;
  std::vector<base::Issue> issues;
  // Policies the engine could not decide and the Z3 oracle did
  // (reasoning/z3/analyze_with_oracle.h).
  size_t policies_decided_by_oracle = 0;

  bool has_errors() const;
};

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_RESOURCE_H_
