// Amazon S3 general purpose buckets (AWS::S3::Bucket). Access comes from four
// places, each reported with its `sources` (Access Analyzer API,
// "FindingSource"; IAM User Guide, "IAM Access Analyzer resource types for
// external access: Amazon S3 buckets"; docs/access-analyzer-rules.md §5.1):
//
// - The bucket policy (source POLICY), analyzed by the engine over the
// catalogue's s3 actions on
//   "bucket" (ARN arn:aws:s3:::b) and "object" (arn:aws:s3:::b/*). Grants
//   conditioned on s3:DataAccessPointArn / s3:DataAccessPointAccount only apply
//   through access points: those naming the owner's account are analyzed with
//   the access points below; those naming another account delegate to a
//   cross-account access point (source S3_ACCESS_POINT_ACCOUNT with
//   accessPointAccount): the access point's owner decides who gets in, so the
//   finding is public ({"AWS": "*"}) unless RestrictPublicBuckets is on, and
//   then it names the access point's account (IAM User Guide, ibid.: "a
//   cross-account access point ... generates a public finding ... if BPA is
//   off, and a cross-account finding for the access point owner once BPA is
//   on").
// - The bucket ACL (source BUCKET_ACL). Grantees: the AllUsers group (anyone,
// anonymous included) and
//   the AuthenticatedUsers group (any AWS account) are public; a canonical user
//   id other than the owner's (bucket `ownerCanonicalId` or the account
//   record's `canonicalUserId`) is {"CanonicalUser": id}; an e-mail grantee
//   ({"emailAddress": ...}, S3's AmazonCustomerByEmail) is {"EmailAddress":
//   address}; the LogDelivery group is an AWS service and is not reported.
//   Permissions map to actions as in the Amazon S3 User Guide, "Access control
//   list (ACL) overview: Mapping of ACL permissions and access policy
//   permissions": READ → s3:ListBucket, s3:ListBucketVersions,
//   s3:ListBucketMultipartUploads; WRITE → s3:PutObject (and s3:DeleteObject of
//   the objects the grantee owns); READ_ACP → s3:GetBucketAcl; WRITE_ACP →
//   s3:PutBucketAcl; FULL_CONTROL → all of them.
// - Access points of the owner's account, including multi-Region access points
// (source S3_ACCESS_POINT
//   with accessPointArn). A request through an access point must be allowed by
//   the access point's policy and by the bucket policy (S3 User Guide,
//   "Configuring IAM policies for using access points"); the bucket policy is
//   read with s3:DataAccessPointArn, s3:DataAccessPointAccount and
//   s3:AccessPointNetworkOrigin fixed to this access point's values. A VPC-only
//   access point is reachable only from its VPC: its findings carry
//   {"aws:SourceVpc": vpcId} and are not public.
// - Block Public Access, from the bucket, the account record and (for access
// points) the access point;
//   the effective setting is their OR (S3 User Guide, "Blocking public access
//   to your Amazon S3 storage"). IgnorePublicAcls: public ACL grants give no
//   access. RestrictPublicBuckets: when the policy is public, "public and
//   cross-account access within any public bucket policy, including non-public
//   delegation to specific accounts, is blocked" (S3 API,
//   "PublicAccessBlockConfiguration"), so none of that policy's findings
//   remain. An access point without `publicAccessBlock` has every setting on
//   (S3's default for access points). BlockPublicAcls / BlockPublicPolicy only
//   reject future changes and do not change the analysis.
//
// Access points of other accounts are not analyzed (their policies live in the
// other account); the bucket policy's delegation to them is.
#ifndef PERIMETER_RESOURCES_S3_BUCKET_H_
#define PERIMETER_RESOURCES_S3_BUCKET_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/json/document.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources {

class PolicyAnalysisMemo;  // policy_analysis_memo.h

std::vector<reasoning::ResourceTarget> S3BucketTargets(const Resource &resource);

// What an access point's own policy can grant: the s3 actions on the access
// point ("accesspoint", at `access_point_arn`) and on objects through it
// ("accesspointobject", at `access_point_arn`/object/*).
std::vector<reasoning::ResourceTarget> S3AccessPointTargets(const std::string &access_point_arn);
// The actions an ACL permission ("READ", ...) grants on the bucket; empty for
// an unknown permission.
std::vector<std::string> S3AclPermissionActions(std::string_view permission);

// A grant of the bucket's ACL as the configuration writes it (`bucketAclGrants[index]`):
// exactly one of id (canonical user id), uri (an Amazon S3 group) and email.
struct S3AclGrant {
  size_t index = 0;
  base::SourcePosition position;  // in the configuration, as json::Value::position gives it
  std::string permission;
  std::optional<std::string> id, uri, email;
};

// What of a bucket's configuration besides its policy decides access for principals of the
// zone of trust (internal access, analysis/internal_access_analysis.h): the ACL grants, the owner's
// canonical id, the bucket's Block Public Access and its access points' ARNs. A configuration
// CheckS3BucketConfiguration rejects gives what could be read.
struct S3BucketAccessConfiguration {
  std::vector<S3AclGrant> acl;
  std::optional<std::string> owner_canonical_id;
  std::optional<S3PublicAccessBlock> block;
  std::vector<std::string> access_point_arns;
};
S3BucketAccessConfiguration ReadS3BucketAccessConfiguration(const Resource &resource);

std::vector<base::Issue> CheckS3BucketConfiguration(const json::Value &configuration,
                                                    const RecordLocation &location);

ResourceAnalysis AnalyzeS3Bucket(const Resource &resource, const AccountSettings *account,
                                 const reasoning::ZoneOfTrust &zone, PolicyAnalysisMemo *memo);

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_S3_BUCKET_H_
