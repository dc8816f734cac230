// Amazon S3 directory buckets (AWS::S3Express::DirectoryBucket): the bucket
// policy (IAM User Guide, "IAM Access Analyzer resource types for external
// access: Amazon S3 directory buckets"; Access Analyzer API,
// "S3ExpressDirectoryBucketConfiguration"), and its access points
// (`accessPoints`: ARN -> {accessPointPolicy, networkOrigin}). Directory
// buckets have no ACLs; findings of the bucket policy have no `sources`.
// Actions: the catalogue's s3express actions on "bucket" (s3express:CreateSession
// gives object access). A request through an access point needs both the access
// point policy and the bucket policy to allow it (S3 User Guide, "Configuring
// IAM policies for using access points for directory buckets"): each access
// point with a policy is analyzed with the bucket policy as the engine's gate,
// on the s3express actions on "accesspoint", the s3express:DataAccessPoint*
// and AccessPointNetworkOrigin keys decided for it; its findings have source
// S3_ACCESS_POINT. Grants of the bucket policy that only apply through the
// owner's access points (s3express:DataAccessPointAccount or
// DataAccessPointArn naming the owner's account) are reported there, not as
// direct access.
#ifndef PERIMETER_RESOURCES_S3_EXPRESS_DIRECTORY_BUCKET_H_
#define PERIMETER_RESOURCES_S3_EXPRESS_DIRECTORY_BUCKET_H_

#include <vector>

#include "perimeter/json/document.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources {

class PolicyAnalysisMemo;  // policy_analysis_memo.h

std::vector<reasoning::ResourceTarget> S3ExpressDirectoryBucketTargets(const Resource &resource);

// What a directory bucket access point's own policy can grant: the s3express
// actions on "accesspoint", at `access_point_arn`.
std::vector<reasoning::ResourceTarget> S3ExpressAccessPointTargets(
    const std::string &access_point_arn);

std::vector<base::Issue> CheckS3ExpressDirectoryBucketConfiguration(
    const json::Value &configuration, const RecordLocation &location);

ResourceAnalysis AnalyzeS3ExpressDirectoryBucket(const Resource &resource,
                                                 const AccountSettings *account,
                                                 const reasoning::ZoneOfTrust &zone,
                                                 PolicyAnalysisMemo *memo);

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_S3_EXPRESS_DIRECTORY_BUCKET_H_
