// An S3 bucket's access control list as the inventory's `bucketAclGrants` member holds it (a JSON
// array of {"permission", "grantee": {"uri" | "id" | "emailAddress"}}, the S3 API's GetBucketAcl
// shape), built once for every input format: AWS Config's AccessControlList, Terraform's
// access_control_policy, and canned ACLs (Terraform's acl, CloudFormation's AccessControl).
#ifndef PERIMETER_INGEST_INTERNAL_S3_ACL_H_
#define PERIMETER_INGEST_INTERNAL_S3_ACL_H_

#include <optional>
#include <string>
#include <string_view>

#include "perimeter/base/source_position.h"
#include "perimeter/ingest/internal/inventory_builder.h"

namespace perimeter::ingest::internal {

class AclGrants {
 public:
  // Adds one grant. `permission` is in the S3 API's spelling (READ, WRITE, READ_ACP, WRITE_ACP,
  // FULL_CONTROL); `grantee_kind` is "uri", "id" or "emailAddress".
  void Add(std::string_view permission, std::string_view grantee_kind, std::string_view grantee);
  // The `bucketAclGrants` member, reported at `position`.
  ConfigurationMember Member(base::SourcePosition position) const;

 private:
  std::string json_;  // the grants so far, comma-separated
};

// The URI of an Amazon S3 predefined group ("AllUsers", "AuthenticatedUsers", "LogDelivery"; Amazon
// S3 User Guide, "Access control list (ACL) overview", "Amazon S3 predefined groups"), nullopt
// otherwise.
std::optional<std::string_view> S3GroupUri(std::string_view group);

// The grants of a canned ACL (Amazon S3 User Guide, "Canned ACL"), named as the x-amz-acl header
// names it ("public-read") or as CloudFormation's AccessControl property does ("PublicRead").
// nullopt for the canned ACLs that grant nothing beyond the bucket owner's account (private,
// bucket-owner-read, bucket-owner-full-control, aws-exec-read) and for names that are none of
// these.
std::optional<AclGrants> CannedAclGrants(std::string_view name);

}  // namespace perimeter::ingest::internal

#endif  // PERIMETER_INGEST_INTERNAL_S3_ACL_H_
