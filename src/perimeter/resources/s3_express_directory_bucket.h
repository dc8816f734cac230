// Amazon S3 directory buckets (AWS::S3Express::DirectoryBucket): the bucket
// policy (IAM User Guide, "IAM Access Analyzer resource types for external
// access: Amazon S3 directory buckets"; Access Analyzer API,
// "S3ExpressDirectoryBucketConfiguration"). Directory buckets have no ACLs, and
// their findings no `sources`. Actions: the catalogue's s3express actions on
// "bucket" (s3express:CreateSession gives object access). Access points of
// directory buckets (`accessPoints`) are not analyzed yet: a configuration that
// has some gives an error finding rather than a silent pass.
#ifndef PERIMETER_RESOURCES_S3_EXPRESS_DIRECTORY_BUCKET_H_
#define PERIMETER_RESOURCES_S3_EXPRESS_DIRECTORY_BUCKET_H_

#include <vector>

#include "perimeter/json/document.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources {

std::vector<reasoning::ResourceTarget> S3ExpressDirectoryBucketTargets(const Resource &resource);

std::vector<base::Issue> CheckS3ExpressDirectoryBucketConfiguration(const json::Value &configuration,
                                                                    const RecordLocation &location);

ResourceAnalysis AnalyzeS3ExpressDirectoryBucket(const Resource &resource, const AccountSettings *account,
                                                 const reasoning::ZoneOfTrust &zone);

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_S3_EXPRESS_DIRECTORY_BUCKET_H_
