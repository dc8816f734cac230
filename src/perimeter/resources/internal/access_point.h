// What S3 access points have in common, for general purpose buckets (s3) and
// directory buckets (s3express): the network origin read from the
// configuration, the condition keys S3 sets for a request through an access
// point, and the two policies as they read for such requests (S3 User Guide,
// "Configuring IAM policies for using access points", "Condition keys for
// access points"; for directory buckets the same keys under s3express:).
#ifndef PERIMETER_RESOURCES_INTERNAL_ACCESS_POINT_H_
#define PERIMETER_RESOURCES_INTERNAL_ACCESS_POINT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/findings/finding.h"
#include "perimeter/policy/policy.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/internal/config_reader.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources::internal {

// An access point as requests through it see it.
struct AccessPointIdentity {
  std::string_view service;  // "s3" or "s3express": the prefix of its condition keys
  std::string arn;
  std::string account;
  std::optional<std::string> vpc_id;  // a VPC network origin
};

// What an `accessPoints` key says: the access point's account and whether it is a multi-Region
// access point (an ARN without a region).
struct AccessPointKey {
  std::string account;
  bool multi_region = false;
};

// Reads the key of the `accessPoints` member `member`, which must be an access point ARN of
// `service`
// ("s3", "s3express"); reports an error naming `what` and returns nullopt otherwise.
std::optional<AccessPointKey> ReadAccessPointKey(const json::Value &member,
                                                 std::string_view service, const std::string &what,
                                                 Diagnostics &diagnostics);

// Reads `networkOrigin` (exactly one of vpcConfiguration {vpcId} and
// internetConfiguration {}) of the access point `point_reader` reads; returns
// the VPC id when the origin is a VPC. `what` names the access point in errors.
std::optional<std::string> ReadNetworkOrigin(ObjectReader &point_reader, const std::string &what);

// The two policies as they read for requests through `point`: conditions on the
// access point keys S3 sets (<service>:DataAccessPointArn, DataAccessPointAccount,
// AccessPointNetworkOrigin) are decided, a statement whose such condition fails
// is left out; and a VPC network origin adds to the access point's policy a Deny
// of every request whose aws:SourceVpc is not its VPC.
struct AccessPointPolicies {
  policy::Policy point_policy;
  policy::Policy bucket_policy;
};
AccessPointPolicies PoliciesThrough(const policy::Policy &point_policy,
                                    const policy::Policy &bucket_policy,
                                    const AccessPointIdentity &point);

// Analyzes the requests through `point` to `bucket` (`targets`, with their ARN
// maps to the bucket): the access point's policy, gated by the bucket's. Each
// finding gets source S3_ACCESS_POINT, a witness carrying the access point keys,
// and, for a VPC-only access point, the VPC as condition and isPublic false (S3
// User Guide, "Creating access points restricted to a virtual private cloud");
// findings are merged into `into`. Returns whether the Z3 oracle decided.
bool AnalyzeThroughAccessPoint(const Resource &bucket, const AccessPointPolicies &policies,
                               const AccessPointIdentity &point,
                               std::vector<reasoning::ResourceTarget> targets,
                               const reasoning::ZoneOfTrust &zone,
                               std::vector<findings::Finding> &into);

}  // namespace perimeter::resources::internal

#endif  // PERIMETER_RESOURCES_INTERNAL_ACCESS_POINT_H_
