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

#include "perimeter/eval/request_context.h"
#include "perimeter/findings/finding.h"
#include "perimeter/policy/policy.h"
#include "perimeter/resources/internal/config_reader.h"

namespace perimeter::resources::internal {

// An access point as requests through it see it.
struct AccessPointIdentity {
  std::string_view service;  // "s3" or "s3express": the prefix of its condition keys
  std::string arn;
  std::string account;
  std::optional<std::string> vpc_id;  // a VPC network origin
};

// What an `accessPoints` key says: the access point's account and whether it is a multi-Region access
// point (an ARN without a region).
struct AccessPointKey {
  std::string account;
  bool multi_region = false;
};

// Reads the key of the `accessPoints` member `member`, which must be an access point ARN of `service`
// ("s3", "s3express"); reports an error naming `what` and returns nullopt otherwise.
std::optional<AccessPointKey> ReadAccessPointKey(const json::Value &member, std::string_view service,
                                                 const std::string &what, Diagnostics &diagnostics);

// Reads `networkOrigin` (exactly one of vpcConfiguration {vpcId} and
// internetConfiguration {}) of the access point `point_reader` reads; returns
// the VPC id when the origin is a VPC. `what` names the access point in errors.
std::optional<std::string> ReadNetworkOrigin(ObjectReader &point_reader, const std::string &what);

// Whether `key_lower` is one of the keys S3 sets for requests through access
// points (<service>:DataAccessPointArn, DataAccessPointAccount,
// AccessPointNetworkOrigin).
bool IsAccessPointKey(std::string_view service, std::string_view key_lower);

// Those keys, with their values for requests through `point`.
eval::RequestContext AccessPointContext(const AccessPointIdentity &point);

// `policy` as it reads for requests through `point`: its conditions on the
// access point keys are decided; a statement whose such condition fails never
// applies and is left out.
policy::Policy SpecializeForAccessPoint(const policy::Policy &policy, const AccessPointIdentity &point);

// `policy` with what a VPC network origin adds: a Deny of every request whose
// aws:SourceVpc is not the access point's VPC (only requests from the VPC reach
// the access point). Unchanged for an Internet origin.
policy::Policy WithNetworkOrigin(policy::Policy policy, const AccessPointIdentity &point);

// Makes a finding's witness read as the request through `point` it is (with
// the access point keys S3 sets).
void AddAccessPointContext(findings::Finding &finding, const AccessPointIdentity &point);

// Names the VPC in a finding of access through a VPC-only access point (the
// engine already kept only requests from it, see WithNetworkOrigin): such
// access is not public (S3 User Guide, "Creating access points restricted to a
// virtual private cloud").
void RestrictToVpc(findings::Finding &finding, const AccessPointIdentity &point);

}  // namespace perimeter::resources::internal

#endif  // PERIMETER_RESOURCES_INTERNAL_ACCESS_POINT_H_
